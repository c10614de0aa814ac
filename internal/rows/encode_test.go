package rows

import (
	"fmt"
	"testing"
)

// uuidText is AppendUUID's reference: the 8-4-4-4-12 hex of u by package fmt.
func uuidText(u [16]byte) string {
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

// TestAppendUUIDEveryByte puts every byte value at every position.
func TestAppendUUIDEveryByte(t *testing.T) {
	prefix := []byte("x,")
	for pos := range 16 {
		for c := range 256 {
			var u [16]byte
			for i := range u {
				u[i] = byte(i*37 + 11)
			}
			u[pos] = byte(c)
			got := AppendUUID(prefix[:len(prefix):len(prefix)], u)
			if want := "x," + uuidText(u); string(got) != want {
				t.Fatalf("byte %#02x at %d: got %s want %s", c, pos, got, want)
			}
		}
	}
}

func FuzzAppendUUID(f *testing.F) {
	for _, u := range benchUUIDs {
		f.Add(u[:])
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var u [16]byte
		copy(u[:], raw)
		got := string(AppendUUID(make([]byte, 0, 3), u))
		if want := uuidText(u); got != want {
			t.Fatalf("%x: got %s want %s", u, got, want)
		}
		if back, err := ParseUUID(got); err != nil || back != u {
			t.Fatalf("%s parsed as %x, %v", got, back, err)
		}
	})
}
