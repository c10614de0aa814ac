// Command genrows writes internal/rows/rows_gen.go from the table definitions.
//
//	go run ./internal/schema/codegen/genrows internal/rows/rows_gen.go
package main

import (
	"fmt"
	"os"

	"github.com/retail-datagen/retail-datagen/internal/schema"
	"github.com/retail-datagen/retail-datagen/internal/schema/codegen"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: genrows OUTPUT.go")
		os.Exit(2)
	}
	src, err := codegen.Rows(schema.Tables())
	if err != nil {
		fmt.Fprintln(os.Stderr, "genrows:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(os.Args[1], src, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "genrows:", err)
		os.Exit(1)
	}
}
