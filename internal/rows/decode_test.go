package rows

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/retail-datagen/retail-datagen/internal/civil"
	"github.com/retail-datagen/retail-datagen/internal/schema"
)

// codec is what every generated row implements.
type codec interface {
	TableName() string
	CSVHeader() string
	AppendCSV(b []byte) []byte
	AppendJSON(b []byte) []byte
	ParseCSV(fields []string) error
	ParseJSON(data []byte) error
}

// newCodec returns a zero row of t and checks it implements codec.
func newCodec(t *testing.T, table string) codec {
	t.Helper()
	r, ok := New(table).(codec)
	if !ok {
		t.Fatalf("New(%q) does not give a row with encoders and decoders", table)
	}
	if r.TableName() != table {
		t.Fatalf("New(%q) gave a row of %s", table, r.TableName())
	}
	return r
}

// populate sets every column of the row to a non-zero value typical of its
// type, with variation by column index.
func populate(t *testing.T, tbl schema.Table, row codec) {
	t.Helper()
	v := reflect.ValueOf(row).Elem()
	if v.NumField() != len(tbl.Columns) {
		t.Fatalf("%s: struct has %d fields, schema %d columns", tbl.Name, v.NumField(), len(tbl.Columns))
	}
	for i, c := range tbl.Columns {
		f := v.Field(i)
		switch c.Type {
		case schema.Int64:
			f.SetInt(1234567890123 + int64(i))
		case schema.Int32:
			f.SetInt(-42 - int64(i))
		case schema.Float64:
			f.SetFloat(-87.62980001 + float64(i)/3)
		case schema.String:
			f.SetString(`a, "quoted"` + "\nline ü " + c.Name)
		case schema.Bool:
			f.SetBool(true)
		case schema.Money:
			f.SetInt(-12345 - int64(i))
		case schema.Date:
			f.SetInt(int64(civil.DaysFromCivil(2024, 2, 29)) + int64(i))
		case schema.Timestamp:
			f.SetInt(int64(civil.DaysFromCivil(2024, 12, 31))*civil.MicrosPerDay + 86399_000_000 + 123456 + int64(i))
		case schema.UUID:
			var u [16]byte
			for j := range u {
				u[j] = byte(j*17 + i)
			}
			f.Set(reflect.ValueOf(u))
		default:
			t.Fatalf("%s.%s: no test value for type %v", tbl.Name, c.Name, c.Type)
		}
	}
}

func roundTrip(t *testing.T, tbl schema.Table, in codec) {
	t.Helper()
	text := in.CSVHeader() + string(in.AppendCSV(nil))
	rd := csv.NewReader(strings.NewReader(text))
	recs, err := rd.ReadAll()
	if err != nil {
		t.Fatalf("%s: reading CSV %q: %v", tbl.Name, text, err)
	}
	if len(recs) != 2 {
		t.Fatalf("%s: %d CSV records", tbl.Name, len(recs))
	}
	out := newCodec(t, tbl.Name)
	if err := out.ParseCSV(recs[1]); err != nil {
		t.Fatalf("%s: ParseCSV: %v", tbl.Name, err)
	}
	if !reflect.DeepEqual(in, out) {
		t.Errorf("%s: CSV round trip\n got %+v\nwant %+v", tbl.Name, out, in)
	}
	line := in.AppendJSON(nil)
	out = newCodec(t, tbl.Name)
	if err := out.ParseJSON(bytes.TrimSuffix(line, []byte("\n"))); err != nil {
		t.Fatalf("%s: ParseJSON(%s): %v", tbl.Name, line, err)
	}
	if !reflect.DeepEqual(in, out) {
		t.Errorf("%s: JSON round trip\n got %+v\nwant %+v", tbl.Name, out, in)
	}
}

func TestRoundTripEveryTable(t *testing.T) {
	for _, tbl := range schema.Tables() {
		full := newCodec(t, tbl.Name)
		populate(t, tbl, full)
		roundTrip(t, tbl, full)
		// All zero: nullable columns are written as null and read back as zero.
		roundTrip(t, tbl, newCodec(t, tbl.Name))
	}
	if New("no_such_table") != nil {
		t.Error("New of an unknown table is not nil")
	}
}

func TestParseErrorsNameColumnAndValue(t *testing.T) {
	line := strings.TrimSuffix(string((&Receipt{StoreID: 3, ReceiptID: 7, Total: 5}).AppendCSV(nil)), "\n")
	fields := strings.Split(line, ",")
	fields[10] = "5.5x" // total
	var r Receipt
	err := r.ParseCSV(fields)
	if err == nil || !strings.Contains(err.Error(), "receipts.total") || !strings.Contains(err.Error(), `"5.5x"`) {
		t.Errorf("bad amount: error %v does not name the column and the value", err)
	}
	fields[10] = "5.50"
	fields[2] = ""
	if err := r.ParseCSV(fields); err == nil || !strings.Contains(err.Error(), "receipts.store_id") {
		t.Errorf("empty store_id: error %v", err)
	}
	if err := r.ParseCSV(fields[:5]); err == nil || !strings.Contains(err.Error(), "5 fields") {
		t.Errorf("short record: error %v", err)
	}

	cases := map[string]string{
		`{"store_id":1}`: `key "trace_id" is missing`,
		`[1,2]`:          "not a JSON object",
		`null`:           "not a JSON object",
		strings.Replace(string((&Receipt{ReceiptID: 7}).AppendJSON(nil)), `"total":0.00`, `"total":"0.00"`, 1):  "receipts.total",
		strings.Replace(string((&Receipt{ReceiptID: 7}).AppendJSON(nil)), `"total":0.00`, `"total":0.001`, 1):   `"0.001"`,
		strings.Replace(string((&Receipt{ReceiptID: 7}).AppendJSON(nil)), `"store_id":0`, `"store_id":null`, 1): "receipts.store_id: null",
		strings.Replace(string((&Receipt{ReceiptID: 7}).AppendJSON(nil)), `}`, `,"extra":1}`, 1):                "15 keys",
	}
	for in, want := range cases {
		if err := r.ParseJSON([]byte(in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseJSON(%s): error %v, want it to mention %s", in, err, want)
		}
	}
}

func TestParseMoney(t *testing.T) {
	good := map[string]int64{"0.00": 0, "12.34": 1234, "-0.05": -5, "7": 700, "7.5": 750, "-92233720368547758.08": -1 << 63,
		"92233720368547758.07": 1<<63 - 1, "-0.00": 0}
	for s, want := range good {
		if got, err := ParseMoney(s); err != nil || got != want {
			t.Errorf("ParseMoney(%q) = %d, %v; want %d", s, got, err, want)
		}
	}
	for _, s := range []string{"", "-", ".5", "1.", "1.234", "1,00", "1e2", "+1.00", "92233720368547758.08", "99999999999999999999", "1.2x", " 1.00"} {
		if got, err := ParseMoney(s); err == nil {
			t.Errorf("ParseMoney(%q) = %d, want an error", s, got)
		}
	}
}

func TestParseDateAndTimestamp(t *testing.T) {
	if d, err := ParseDate("2024-02-29"); err != nil || civil.Date(d) != civil.DaysFromCivil(2024, 2, 29) {
		t.Errorf("ParseDate leap day = %d, %v", d, err)
	}
	for _, s := range []string{"2023-02-29", "2024-13-01", "2024-00-10", "2024-1-01", "24-01-01", "2024/01/01", "2024-01-32"} {
		if _, err := ParseDate(s); err == nil {
			t.Errorf("ParseDate(%q) accepted", s)
		}
	}
	base := int64(civil.DaysFromCivil(2025, 7, 4)) * civil.MicrosPerDay
	good := map[string]int64{
		"2025-07-04 00:00:00":        base,
		"2025-07-04T13:05:09":        base + (13*3600+5*60+9)*1_000_000,
		"2025-07-04 23:59:59.5":      base + 86399_500_000,
		"2025-07-04T23:59:59.000001": base + 86399_000_001,
	}
	for s, want := range good {
		if got, err := ParseTimestamp(s); err != nil || got != want {
			t.Errorf("ParseTimestamp(%q) = %d, %v; want %d", s, got, err, want)
		}
	}
	for _, s := range []string{"2025-07-04", "2025-07-04 24:00:00", "2025-07-04 12:60:00", "2025-07-04X12:00:00", "2025-07-04 12:00:00.", "2025-07-04 12:00:00.1234567", "2025-07-04 12:00:00Z"} {
		if _, err := ParseTimestamp(s); err == nil {
			t.Errorf("ParseTimestamp(%q) accepted", s)
		}
	}
}

func TestParseUUID(t *testing.T) {
	want := [16]byte{0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10}
	for _, s := range []string{"01234567-89ab-cdef-fedc-ba9876543210", "01234567-89AB-CDEF-FEDC-BA9876543210"} {
		if got, err := ParseUUID(s); err != nil || got != want {
			t.Errorf("ParseUUID(%q) = %x, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "0123456789abcdeffedcba9876543210", "01234567-89ab-cdef-fedc-ba987654321g", "01234567-89ab-cdef-fedc-ba98765432100"} {
		if _, err := ParseUUID(s); err == nil {
			t.Errorf("ParseUUID(%q) accepted", s)
		}
	}
}

func FuzzParseMoney(f *testing.F) {
	for _, c := range []int64{0, 1, -1, 5, -5, 1234, 99, -100, 1<<63 - 1, -1 << 63} {
		f.Add(c)
	}
	f.Fuzz(func(t *testing.T, cents int64) {
		s := string(AppendMoney(nil, cents))
		got, err := ParseMoney(s)
		if err != nil || got != cents {
			t.Fatalf("%d → %q → %d, %v", cents, s, got, err)
		}
	})
}

func FuzzParseMoneyText(f *testing.F) {
	for _, s := range []string{"12.34", "-0.05", "7", "7.5", "", "-", "1e3", "00.10", "92233720368547758.08"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		cents, err := ParseMoney(s)
		if err != nil {
			return
		}
		again, err := ParseMoney(string(AppendMoney(nil, cents)))
		if err != nil || again != cents {
			t.Fatalf("%q → %d does not survive a second round: %d, %v", s, cents, again, err)
		}
	})
}

// civilRange keeps fuzzed day numbers within years 0000-9999.
func civilRange(days int64) int64 {
	lo, hi := int64(civil.DaysFromCivil(0, 1, 1)), int64(civil.DaysFromCivil(9999, 12, 31))
	span := hi - lo + 1
	return lo + ((days%span)+span)%span
}

func FuzzParseDate(f *testing.F) {
	for _, d := range []int32{0, -1, 19000, 2932896, -719528} {
		f.Add(d)
	}
	f.Fuzz(func(t *testing.T, d int32) {
		days := int32(civilRange(int64(d)))
		s := string(AppendDate(nil, days))
		got, err := ParseDate(s)
		if err != nil || got != days {
			t.Fatalf("%d → %q → %d, %v", days, s, got, err)
		}
	})
}

func FuzzParseTimestamp(f *testing.F) {
	f.Add(int64(0), int64(0))
	f.Add(int64(19000), int64(86399_999_999))
	f.Add(int64(-5), int64(1))
	f.Fuzz(func(t *testing.T, day, micros int64) {
		micros = ((micros % civil.MicrosPerDay) + civil.MicrosPerDay) % civil.MicrosPerDay
		ts := civilRange(day)*civil.MicrosPerDay + micros
		for _, sep := range []byte{' ', 'T'} {
			s := string(AppendTimestamp(nil, ts, sep))
			got, err := ParseTimestamp(s)
			if err != nil || got != ts {
				t.Fatalf("%d → %q → %d, %v", ts, s, got, err)
			}
		}
	})
}

func FuzzParseUUID(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("0123456789abcdef"))
	f.Fuzz(func(t *testing.T, b []byte) {
		var u [16]byte
		copy(u[:], b)
		s := string(AppendUUID(nil, u))
		got, err := ParseUUID(s)
		if err != nil || got != u {
			t.Fatalf("%x → %q → %x, %v", u, s, got, err)
		}
		if _, err := ParseUUID(string(b)); err == nil && len(b) != 36 {
			t.Fatalf("ParseUUID accepted %q", b)
		}
	})
}

// FuzzTextRoundTrip puts arbitrary text in string columns and reads it back
// from CSV and JSON.
func FuzzTextRoundTrip(f *testing.F) {
	for _, s := range []string{"", "plain", `quote " and \ back`, "a,b\nc", "\t\x01\u2028", "日本", " lead", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		in := Customer{CustomerID: 7, FirstName: s, LastName: s + "x", Address: "1 Elm", PreferredStoreIDs: s}
		want := in
		line := in.AppendJSON(nil)
		if !utf8.ValidString(s) {
			// Invalid bytes are written as U+FFFD: compare with encoding/json.
			var ref map[string]any
			if err := json.Unmarshal(line, &ref); err != nil {
				t.Fatal(err)
			}
			want.FirstName, want.LastName = ref["first_name"].(string), ref["last_name"].(string)
			want.PreferredStoreIDs = ref["preferred_store_ids"].(string)
		}
		var out Customer
		if err := out.ParseJSON(line); err != nil {
			t.Fatalf("ParseJSON(%s): %v", line, err)
		}
		if out != want {
			t.Fatalf("JSON round trip of %q: got %+v", s, out)
		}
		rec, err := csv.NewReader(strings.NewReader(string(in.AppendCSV(nil)))).Read()
		if err != nil {
			return // encoding/csv cannot read some control characters back; that is its limit, not ours
		}
		out = Customer{}
		if err := out.ParseCSV(rec); err != nil {
			t.Fatalf("ParseCSV: %v", err)
		}
	})
}

func TestScanObjectRejectsMalformed(t *testing.T) {
	for _, in := range []string{``, `{`, `{"a"}`, `{"a":}`, `{"a":1,}`, `{"a":1} x`, `{"a":[1]}`, `{"a":"x}`, `[]`, `{"a" 1}`} {
		if _, err := scanObject(in); err == nil {
			t.Errorf("scanObject(%q) accepted", in)
		}
	}
	got, err := scanObject(" { \"a\" : 1 , \"b\\u0041\":\"x\\\"y\", \"c\":null } ")
	if err != nil || len(got) != 3 || got[1].key != "bA" || got[1].raw != `"x\"y"` || got[2].raw != "null" {
		t.Errorf("scanObject: %+v, %v", got, err)
	}
}
