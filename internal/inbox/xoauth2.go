package inbox

import (
	"encoding/json"
	"fmt"

	"github.com/emersion/go-sasl"
)

// XOAuth2 is the SASL mechanism name of Google's and Microsoft's XOAUTH2.
const XOAuth2 = "XOAUTH2"

// oauthStatus is the error a server sends as a SASL challenge when it
// refuses an OAuth2 bearer token (XOAUTH2 and OAUTHBEARER alike).
type oauthStatus struct {
	Status  string `json:"status"`
	Schemes string `json:"schemes"`
	Scope   string `json:"scope"`
}

// xoauth2Client is the client side of XOAUTH2, which emersion/go-sasl does
// not provide: the initial response is
// "user=" user ^A "auth=Bearer " token ^A ^A. A failing server answers with
// a base64 JSON challenge, to which the client sends an empty response and
// then gets the tagged NO.
type xoauth2Client struct {
	username, token string
	// status is the server's error challenge, if one came.
	status *oauthStatus
}

var _ sasl.Client = (*xoauth2Client)(nil)

func newXOAuth2Client(username, token string) *xoauth2Client {
	return &xoauth2Client{username: username, token: token}
}

func (c *xoauth2Client) Start() (string, []byte, error) {
	ir := "user=" + c.username + "\x01auth=Bearer " + c.token + "\x01\x01"
	return XOAuth2, []byte(ir), nil
}

func (c *xoauth2Client) Next(challenge []byte) ([]byte, error) {
	if c.status != nil {
		return nil, fmt.Errorf("xoauth2: unexpected second challenge from server")
	}
	st := &oauthStatus{}
	if err := json.Unmarshal(challenge, st); err != nil {
		st.Status = "unreadable error challenge"
	}
	c.status = st
	// An empty response makes the server finish with its tagged NO.
	return []byte{}, nil
}

// oauthBearerClient wraps go-sasl's OAUTHBEARER client: that one returns an
// error on the server's error challenge without answering it, which leaves
// the AUTHENTICATE command open. This one answers with the ^A that RFC 7628
// prescribes, so the server ends the exchange with its tagged NO.
type oauthBearerClient struct {
	sasl.Client
	status *oauthStatus
}

func newOAuthBearerClient(username, token, host string, port int) *oauthBearerClient {
	return &oauthBearerClient{Client: sasl.NewOAuthBearerClient(&sasl.OAuthBearerOptions{
		Username: username, Token: token, Host: host, Port: port,
	})}
}

func (c *oauthBearerClient) Next(challenge []byte) ([]byte, error) {
	if c.status != nil {
		return nil, fmt.Errorf("oauthbearer: unexpected second challenge from server")
	}
	st := &oauthStatus{}
	if err := json.Unmarshal(challenge, st); err != nil {
		st.Status = "unreadable error challenge"
	}
	c.status = st
	return []byte{0x01}, nil
}
