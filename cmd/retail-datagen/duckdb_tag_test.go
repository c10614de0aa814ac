//go:build duckdb

package main

// duckdbEnabled builds the binary under test with the duckdb tag too.
const duckdbEnabled = true
