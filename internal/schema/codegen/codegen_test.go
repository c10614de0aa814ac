package codegen

import (
	"go/ast"
	"go/parser"
	"go/token"
	"testing"

	"github.com/retail-datagen/retail-datagen/internal/schema"
)

// TestRowsHaveDecoders checks that every table's row type gets ParseCSV and
// ParseJSON, and that New knows every table.
func TestRowsHaveDecoders(t *testing.T) {
	src, err := Rows(schema.Tables())
	if err != nil {
		t.Fatal(err)
	}
	f, err := parser.ParseFile(token.NewFileSet(), "rows_gen.go", src, 0)
	if err != nil {
		t.Fatalf("generated source does not parse: %v", err)
	}
	methods := map[string]map[string]bool{}
	var cases []string
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok {
			continue
		}
		if fn.Recv == nil {
			if fn.Name.Name == "New" {
				ast.Inspect(fn.Body, func(n ast.Node) bool {
					if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
						cases = append(cases, lit.Value)
					}
					return true
				})
			}
			continue
		}
		recv := fn.Recv.List[0].Type
		if star, ok := recv.(*ast.StarExpr); ok {
			recv = star.X
		}
		name := recv.(*ast.Ident).Name
		if methods[name] == nil {
			methods[name] = map[string]bool{}
		}
		methods[name][fn.Name.Name] = true
	}
	tables := schema.Tables()
	for _, tbl := range tables {
		for _, m := range []string{"AppendCSV", "AppendJSON", "ParseCSV", "ParseJSON"} {
			if !methods[tbl.Row][m] {
				t.Errorf("%s has no %s", tbl.Row, m)
			}
		}
	}
	if len(cases) != len(tables) {
		t.Errorf("New has %d cases for %d tables", len(cases), len(tables))
	}
}

func TestDecodeMethodCoversEveryType(t *testing.T) {
	for typ := schema.Int64; typ <= schema.UUID; typ++ {
		if decodeMethod(typ) == "invalid" {
			t.Errorf("type %v has no decoder", typ)
		}
	}
	if decodeMethod(schema.Type(0)) != "invalid" {
		t.Error("the zero type has a decoder")
	}
}
