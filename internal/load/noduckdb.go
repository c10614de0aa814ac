//go:build !duckdb

package load

import (
	"context"
	"fmt"
)

// DuckDB is compiled in only with the duckdb build tag (it needs cgo).
func openDuckDB(_ context.Context, tgt Target, _ Options) (backend, error) {
	return nil, fmt.Errorf("%s: this retail-datagen was built without DuckDB; build it with `CGO_ENABLED=1 go build -tags duckdb ./cmd/retail-datagen` (a C compiler and libstdc++ are needed), or load into PostgreSQL", tgt.Redacted())
}
