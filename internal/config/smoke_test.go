package config

import (
	"os"
	"testing"
)

func TestSmoke(t *testing.T) {
	if err := WriteInitFile(os.Stdout, "yaml", "tiny"); err != nil {
		t.Fatal(err)
	}
	if err := WriteInitFile(os.Stdout, "json", "tiny"); err != nil {
		t.Fatal(err)
	}
	c := Defaults()
	c.Storage.AccountKey = "secret"
	c.Encode(os.Stdout, "yaml")
}
