// Command gendocs writes the reference documents that are derived from code:
// the data dictionary (docs/data-dictionary.md) and the commented configuration with
// every key and its default (docs/config-reference.yaml).
//
//	go run ./internal/schema/codegen/gendocs docs
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/retail-datagen/retail-datagen/internal/schema/codegen/gendocs/render"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: gendocs DOCS_DIR")
		os.Exit(2)
	}
	docs, err := render.All()
	if err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
	for name, content := range docs {
		if err := os.WriteFile(filepath.Join(os.Args[1], name), content, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "gendocs:", err)
			os.Exit(1)
		}
	}
}
