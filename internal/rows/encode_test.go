package rows

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
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

// intEdges are the values where the digit count, the sign or the type
// changes.
func intEdges() []int64 {
	vs := []int64{0, 1, -1, 9, -9, 10, -10, 99, -99, 100, -100, 101, -101,
		math.MaxInt64, math.MinInt64, math.MaxInt64 - 1, math.MinInt64 + 1,
		math.MaxInt32, math.MinInt32, math.MaxInt32 + 1, math.MinInt32 - 1,
		math.MaxUint32, math.MinInt32 * 2}
	for p := int64(10); p <= 1e18; p *= 10 {
		for _, v := range []int64{p - 1, p, p + 1} {
			vs = append(vs, v, -v)
		}
	}
	for _, v := range []uint64{1 << 63, 1<<63 - 1, 1e19 - 1} {
		vs = append(vs, int64(v))
	}
	return vs
}

func checkAppendInt(t *testing.T, v int64) {
	t.Helper()
	for _, prefix := range []string{"", "id,"} {
		// Without spare capacity appendInt must grow b; with it, not move it.
		for _, b := range [][]byte{[]byte(prefix), append(make([]byte, 0, 40), prefix...)} {
			got := appendInt(b, v)
			if want := strconv.AppendInt([]byte(prefix), v, 10); !bytes.Equal(got, want) {
				t.Fatalf("appendInt(%q, %d) = %q, want %q", prefix, v, got, want)
			}
		}
	}
}

func TestAppendInt(t *testing.T) {
	for _, v := range intEdges() {
		checkAppendInt(t, v)
	}
	for v := int64(-100_000); v <= 100_000; v++ {
		checkAppendInt(t, v)
	}
}

func FuzzAppendInt(f *testing.F) {
	for _, v := range intEdges() {
		f.Add(v)
	}
	f.Fuzz(checkAppendInt)
}

// moneyText is AppendMoney's reference.
func moneyText(cents int64) string {
	if cents == math.MinInt64 {
		return "-92233720368547758.08"
	}
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	return fmt.Sprintf("%s%d.%02d", sign, cents/100, cents%100)
}

func TestAppendMoneyEdges(t *testing.T) {
	for _, v := range intEdges() {
		if got, want := string(AppendMoney([]byte("x"), v)), "x"+moneyText(v); got != want {
			t.Errorf("%d: got %s want %s", v, got, want)
		}
	}
	for v := int64(-100_000); v <= 100_000; v++ {
		if got, want := string(AppendMoney(nil, v)), moneyText(v); got != want {
			t.Fatalf("%d: got %s want %s", v, got, want)
		}
	}
}

func FuzzAppendMoney(f *testing.F) {
	for _, v := range intEdges() {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, cents int64) {
		if got, want := string(AppendMoney(nil, cents)), moneyText(cents); got != want {
			t.Fatalf("%d: got %s want %s", cents, got, want)
		}
		if back, err := ParseMoney(string(AppendMoney(nil, cents))); err != nil || back != cents {
			t.Fatalf("%d came back as %d, %v", cents, back, err)
		}
	})
}
