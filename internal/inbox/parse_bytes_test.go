package inbox

import (
	"bytes"
	"os"
	"reflect"
	"testing"
)

// TestParseBytesEqualsParse checks that ParseBytes gives what Parse gives
// on every fixture, and leaves the caller's bytes as they were (the sweep
// reuses its buffers).
func TestParseBytesEqualsParse(t *testing.T) {
	for _, path := range fixtures(t) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		want, wantErr := Parse(bytes.NewReader(data))
		orig := bytes.Clone(data)
		for range 2 { // the second time with pooled buffers
			got, err := ParseBytes(data)
			if (err == nil) != (wantErr == nil) || err != nil && err.Error() != wantErr.Error() {
				t.Errorf("%s: ParseBytes error %v, Parse error %v", path, err, wantErr)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s: ParseBytes = %+v\nParse = %+v", path, got, want)
			}
		}
		if !bytes.Equal(data, orig) {
			t.Errorf("%s: ParseBytes changed its input", path)
		}
	}
}
