// Package render produces the documents that gendocs writes, so that a test
// can check the committed copies are current.
package render

import (
	"bytes"
	"fmt"

	"github.com/retail-datagen/retail-datagen/internal/config"
	"github.com/retail-datagen/retail-datagen/internal/schema"
	"github.com/retail-datagen/retail-datagen/internal/schema/codegen"
)

// All returns every generated document by file name.
func All() (map[string][]byte, error) {
	var cfg bytes.Buffer
	if err := config.WriteInitFile(&cfg, "yaml", config.ScaleDefault); err != nil {
		return nil, fmt.Errorf("rendering the configuration reference: %w", err)
	}
	return map[string][]byte{
		"tables.md":             codegen.Markdown(schema.Tables()),
		"config-reference.yaml": cfg.Bytes(),
	}, nil
}
