package civil

import "testing"

func BenchmarkCivil(b *testing.B) {
	d := Date(19000)
	var sink int
	for b.Loop() {
		y, m, day := d.Civil()
		sink += y + m + day
		d = (d + 37) & 0x7fff // about 1970-2059
	}
	if sink == 0 {
		b.Fatal("no dates")
	}
}

func BenchmarkDateAppend(b *testing.B) {
	buf := make([]byte, 0, 32)
	d := Date(19000)
	b.ReportAllocs()
	for b.Loop() {
		buf = d.Append(buf[:0])
		d = (d + 37) & 0x7fff
	}
}

func BenchmarkAppendTimestamp(b *testing.B) {
	buf := make([]byte, 0, 64)
	micros := int64(1_740_830_400_000_000)
	b.ReportAllocs()
	for b.Loop() {
		buf = AppendTimestamp(buf[:0], micros, ' ')
		micros += 7_777_777_777 // varies the day, the time and the fraction
	}
}
