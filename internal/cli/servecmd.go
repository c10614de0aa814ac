package cli

import (
	"fmt"
	"log/slog"
	"net"

	"github.com/spf13/cobra"

	"github.com/retail-datagen/retail-datagen/internal/config"
	"github.com/retail-datagen/retail-datagen/internal/jobs"
	"github.com/retail-datagen/retail-datagen/internal/server"
	"github.com/retail-datagen/retail-datagen/internal/server/web"
)

func (a *app) serveCmd() *cobra.Command {
	f := &runFlags{}
	var addr string
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the HTTP API and web UI",
		Long: `serve opens a web UI at / and answers a JSON REST API under /api/v1 for the
output folder (--out): generation jobs with live progress, the live stream
(start, pause, resume, stop, counters), the dead-letter queue, configuration,
state, tables, row previews, partition downloads and daily sales. /openapi.json describes it and /docs browses it; /health, /ready and
/metrics (Prometheus) are there for operations. The configuration flags set
what the API starts from.

It binds to 127.0.0.1:8000 by default. Changes (POST, PUT, PATCH, DELETE)
need "Authorization: Bearer <token>" when RETAIL_DATAGEN_API_TOKEN is set, and
a token is required to bind to any other address. Browsers on other origins
are allowed only when listed in server.allowed_origins or ALLOWED_ORIGINS.
Requests are logged to standard error. Ctrl-C (SIGINT) or SIGTERM stops the
server after the requests in flight finish.`,
		Example: `  retail-datagen serve --scale tiny
  retail-datagen serve --out /data/retail --addr 127.0.0.1:9000 -c retail.yaml
  RETAIL_DATAGEN_API_TOKEN=$(openssl rand -hex 32) retail-datagen serve --addr 0.0.0.0:8000`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			token := a.getenv(server.TokenEnv)
			if err := server.CheckBind(addr, token); err != nil {
				return err
			}
			srv, err := server.New(server.Options{
				Config:  config.LoadOptions{File: f.configFile, Environ: a.environ, Overrides: f.overrides(cmd)},
				Token:   token,
				Logger:  slog.New(slog.NewTextHandler(a.stderr, nil)),
				UI:      web.Static(),
				Version: a.version,
			})
			if err != nil {
				return err
			}
			if err := refuseURL("--out", srv.OutputDir(), "serve browses and generates into a local folder; use `export` to copy it to object storage"); err != nil {
				return err
			}
			m := jobs.NewManager()
			defer m.Close()
			srv.Control(m, a.version)
			return srv.ListenAndServe(cmd.Context(), addr, func(at net.Addr) {
				fmt.Fprintf(a.stdout, "serving %s on http://%s (API documentation at /docs); Ctrl-C stops\n", srv.OutputDir(), at)
			})
		},
	}
	f.registerConfig(cmd)
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8000", "HOST:PORT to listen on; a non-loopback host needs "+server.TokenEnv)
	return cmd
}
