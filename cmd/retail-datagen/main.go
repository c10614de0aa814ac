// Command retail-datagen generates realistic, fully synthetic retail data:
// dimension tables, historical facts and a live event stream.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/retail-datagen/retail-datagen/internal/cli"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = ""

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, version, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
