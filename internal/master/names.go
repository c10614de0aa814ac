package master

import (
	"math/rand/v2"
	"strconv"
)

func streetNames() []string {
	return []string{
		"Main", "Oak", "Maple", "Cedar", "Pine", "Elm", "Walnut", "Chestnut", "Willow", "Birch",
		"Lake", "Hill", "Park", "River", "Spring", "Meadow", "Forest", "Sunset", "Highland", "Valley",
		"Church", "Mill", "School", "Center", "Market", "Franklin", "Lincoln", "Jefferson", "Madison", "Washington",
		"Jackson", "Adams", "Monroe", "Harrison", "Grant", "Union", "Liberty", "Prospect", "Ridge", "Orchard",
		"Cherry", "Magnolia", "Dogwood", "Hickory", "Sycamore", "Poplar", "Laurel", "Aspen", "Juniper", "Holly",
		"First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth", "Ninth", "Tenth",
		"Broad", "High", "Front", "Water", "Bridge", "Station", "Harbor", "Canyon", "Prairie", "Summit",
	}
}

func streetSuffixes() []string {
	return []string{"St", "Ave", "Blvd", "Rd", "Dr", "Ln", "Way", "Ct", "Pl", "Pkwy", "Ter", "Cir"}
}

func industrialStreets() []string {
	return []string{
		"Commerce", "Industrial", "Logistics", "Freight", "Distribution", "Warehouse", "Enterprise",
		"Gateway", "Terminal", "Depot", "Interstate", "Trade Center", "Cargo", "Supply",
	}
}

func streetAddress(r *rand.Rand) string {
	streets, suffixes := streetNames(), streetSuffixes()
	b := make([]byte, 0, 32)
	b = strconv.AppendInt(b, int64(100+r.IntN(9900)), 10)
	b = append(b, ' ')
	b = append(b, streets[r.IntN(len(streets))]...)
	b = append(b, ' ')
	b = append(b, suffixes[r.IntN(len(suffixes))]...)
	return string(b)
}

func industrialAddress(r *rand.Rand) string {
	streets := industrialStreets()
	kinds := []string{"Pkwy", "Dr", "Blvd", "Way", "Rd"}
	return strconv.Itoa(1000+r.IntN(9000)) + " " + streets[r.IntN(len(streets))] + " " + kinds[r.IntN(len(kinds))]
}

// areaCodes lists real telephone area codes by state. Numbers built on them
// use the 555-0100..555-0199 block, which is reserved for fictional use.
func areaCodes(state string) []string {
	switch state {
	case "AL":
		return []string{"205", "251", "256", "334"}
	case "AK":
		return []string{"907"}
	case "AZ":
		return []string{"480", "520", "602", "623"}
	case "AR":
		return []string{"479", "501", "870"}
	case "CA":
		return []string{"213", "310", "415", "510", "619", "714", "818", "916"}
	case "CO":
		return []string{"303", "719", "720", "970"}
	case "CT":
		return []string{"203", "860"}
	case "DE":
		return []string{"302"}
	case "DC":
		return []string{"202"}
	case "FL":
		return []string{"305", "407", "561", "727", "813", "904", "954"}
	case "GA":
		return []string{"404", "470", "678", "706", "912"}
	case "HI":
		return []string{"808"}
	case "ID":
		return []string{"208", "986"}
	case "IL":
		return []string{"217", "312", "630", "773", "847"}
	case "IN":
		return []string{"260", "317", "574", "812"}
	case "IA":
		return []string{"319", "515", "563", "712"}
	case "KS":
		return []string{"316", "785", "913"}
	case "KY":
		return []string{"270", "502", "859"}
	case "LA":
		return []string{"225", "318", "504", "985"}
	case "ME":
		return []string{"207"}
	case "MD":
		return []string{"301", "410", "443"}
	case "MA":
		return []string{"413", "508", "617", "781", "978"}
	case "MI":
		return []string{"248", "313", "517", "616", "734"}
	case "MN":
		return []string{"218", "507", "612", "651", "952"}
	case "MS":
		return []string{"228", "601", "662"}
	case "MO":
		return []string{"314", "417", "573", "816"}
	case "MT":
		return []string{"406"}
	case "NE":
		return []string{"308", "402"}
	case "NV":
		return []string{"702", "775"}
	case "NH":
		return []string{"603"}
	case "NJ":
		return []string{"201", "609", "732", "856", "973"}
	case "NM":
		return []string{"505", "575"}
	case "NY":
		return []string{"212", "315", "516", "518", "585", "716", "718", "914"}
	case "NC":
		return []string{"252", "336", "704", "828", "910", "919"}
	case "ND":
		return []string{"701"}
	case "OH":
		return []string{"216", "330", "419", "513", "614", "937"}
	case "OK":
		return []string{"405", "580", "918"}
	case "OR":
		return []string{"503", "541", "971"}
	case "PA":
		return []string{"215", "412", "570", "610", "717", "814"}
	case "RI":
		return []string{"401"}
	case "SC":
		return []string{"803", "843", "864"}
	case "SD":
		return []string{"605"}
	case "TN":
		return []string{"423", "615", "731", "865", "901"}
	case "TX":
		return []string{"210", "214", "281", "512", "713", "817", "915", "972"}
	case "UT":
		return []string{"385", "435", "801"}
	case "VT":
		return []string{"802"}
	case "VA":
		return []string{"276", "434", "540", "703", "757", "804"}
	case "WA":
		return []string{"206", "253", "360", "425", "509"}
	case "WV":
		return []string{"304", "681"}
	case "WI":
		return []string{"262", "414", "608", "715", "920"}
	case "WY":
		return []string{"307"}
	}
	return []string{"555"}
}

// fictionalPhone returns "(AAA) 555-01XX".
func fictionalPhone(r *rand.Rand, state string) string {
	codes := areaCodes(state)
	code := codes[r.IntN(len(codes))]
	x := r.IntN(100)
	return "(" + code + ") 555-01" + string([]byte{byte('0' + x/10), byte('0' + x%10)})
}

// emailDomains are reserved for documentation and examples (RFC 2606).
func emailDomains() []string { return []string{"example.com", "example.net", "example.org"} }

// emailLocal lowercases a name and keeps letters only.
func emailLocal(b []byte, name string) []byte {
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z':
			b = append(b, c)
		case c >= 'A' && c <= 'Z':
			b = append(b, c+'a'-'A')
		}
	}
	return b
}
