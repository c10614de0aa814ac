package rows

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/retail-datagen/retail-datagen/internal/schema"
	"github.com/retail-datagen/retail-datagen/internal/schema/codegen"
)

func TestGeneratedCodeIsCurrent(t *testing.T) {
	want, err := codegen.Rows(schema.Tables())
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("rows_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("rows_gen.go is stale: run go generate ./internal/rows")
	}
}

func TestAppendMoney(t *testing.T) {
	cases := map[int64]string{0: "0.00", 5: "0.05", 1234: "12.34", -5: "-0.05", -100: "-1.00", 99999999999: "999999999.99"}
	for cents, want := range cases {
		if got := string(AppendMoney(nil, cents)); got != want {
			t.Errorf("%d: got %s want %s", cents, got, want)
		}
	}
}

func TestCSVStringQuoting(t *testing.T) {
	for _, s := range []string{"plain", "a,b", `say "hi"`, "line\nbreak", "cr\rx", " lead", "trail ", "", "ünïcode"} {
		line := string(appendCSVString(nil, s)) + ",x\n"
		recs, err := csv.NewReader(strings.NewReader(line)).ReadAll()
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		if recs[0][0] != s {
			t.Errorf("%q came back as %q", s, recs[0][0])
		}
	}
}

func FuzzJSONString(f *testing.F) {
	for _, s := range []string{"", "plain", "quote\"back\\slash", "\x00\x1f\n\t", "\xff\xfe", "日本語", "\u2028"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b := appendJSONString(nil, s)
		var back string
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("%q encoded as invalid JSON %s: %v", s, b, err)
		}
		if utf8.ValidString(s) && back != s {
			t.Fatalf("%q came back as %q", s, back)
		}
	})
}

func TestRowEncodersAgreeWithHeader(t *testing.T) {
	p := Product{ProductID: 1, SKU: "X", ProductName: "A, \"B\"", Cost: 1, MSRP: 3, SalePrice: 2, LaunchDate: 0}
	line := string(p.AppendCSV(nil))
	recs, err := csv.NewReader(strings.NewReader(p.CSVHeader() + line)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs[0]) != len(recs[1]) {
		t.Fatalf("header has %d fields, row %d", len(recs[0]), len(recs[1]))
	}
	var obj map[string]any
	if err := json.Unmarshal(p.AppendJSON(nil), &obj); err != nil {
		t.Fatal(err)
	}
	if len(obj) != len(recs[0]) {
		t.Fatalf("JSON has %d keys, header %d", len(obj), len(recs[0]))
	}
	for _, h := range recs[0] {
		if _, ok := obj[h]; !ok {
			t.Errorf("JSON lacks %s", h)
		}
	}
}

func BenchmarkCustomerCSV(b *testing.B) {
	c := Customer{CustomerID: 123456, FirstName: "Maria", LastName: "Lopez", Address: "123 Oak St",
		GeographyID: 12, Latitude: 41.87811, Longitude: -87.6298, Phone: "(312) 555-0147",
		Email: "maria.lopez123456@example.com", LoyaltyCard: "LC123456789012", BLEID: "AA:BB:CC:DD:EE:FF",
		AdID: "01234567-89ab-4cde-8f01-23456789abcd", Segment: "BRAND_LOYAL", SignupDate: 19000, HomeStoreID: 4, PreferredStoreIDs: "4|9|12"}
	buf := make([]byte, 0, 512)
	b.ReportAllocs()
	for b.Loop() {
		buf = c.AppendCSV(buf[:0])
	}
	b.SetBytes(int64(len(buf)))
}

func BenchmarkCustomerJSON(b *testing.B) {
	c := Customer{CustomerID: 123456, FirstName: "Maria", LastName: "Lopez", Address: "123 Oak St",
		Email: "maria.lopez123456@example.com", Segment: "BRAND_LOYAL", SignupDate: 19000, HomeStoreID: 4}
	buf := make([]byte, 0, 512)
	b.ReportAllocs()
	for b.Loop() {
		buf = c.AppendJSON(buf[:0])
	}
	b.SetBytes(int64(len(buf)))
}

// BenchmarkBLEPing encodes the most frequent fact row (about half of all
// rows) in each text format; allocations must stay at zero.
func BenchmarkBLEPing(b *testing.B) {
	p := BLEPing{TraceID: [16]byte{0x1f, 0x2e, 0x3d, 0x4c, 0x5b, 0x6a, 0x79, 0x88, 0x97, 0xa6, 0xb5, 0xc4, 0xd3, 0xe2, 0xf1, 0x00},
		EventTS: 1_740_830_400_000_000 + 37_512_000_000, StoreID: 42, BeaconID: "BCN-S000042-Z03",
		DeviceID: "AA:BB:CC:DD:EE:FF", CustomerID: 123456, RSSI: -67, Zone: "ELECTRONICS"}
	buf := make([]byte, 0, 512)
	for _, f := range []struct {
		name string
		enc  func([]byte) []byte
	}{{"csv", p.AppendCSV}, {"json", p.AppendJSON}} {
		b.Run(f.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				buf = f.enc(buf[:0])
			}
			b.SetBytes(int64(len(buf)))
		})
	}
}
