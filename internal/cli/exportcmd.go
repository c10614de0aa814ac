package cli

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/retail-datagen/retail-datagen/internal/blobstore"
	"github.com/retail-datagen/retail-datagen/internal/config"
	"github.com/retail-datagen/retail-datagen/internal/jobs"
	"github.com/retail-datagen/retail-datagen/internal/progress"
)

func (a *app) exportCmd() *cobra.Command {
	var (
		from, to, configFile string
		parallel             int
		quiet, asJSON        bool
	)
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Copy an output folder to object storage (S3, Azure Blob, Google Cloud Storage)",
		Long: `export uploads an output folder to s3://BUCKET/PREFIX, azblob://CONTAINER/PREFIX
(or abfss://CONTAINER@ACCOUNT.dfs.core.windows.net/PREFIX) or gs://BUCKET/PREFIX,
keeping its layout: every file its manifest names first, then manifest.json and
state.json, so that a reader never finds a manifest naming a missing object.
Each object appears only once its upload is complete (multipart and block
uploads are aborted on failure).

Every uploaded object records the SHA-256 of its content as metadata (sha256).
A file whose object already exists with the same size and SHA-256 is skipped,
so running export again uploads nothing twice. Credentials come from the
cloud's usual chain; see docs/object-storage.md.`,
		Example: `  retail-datagen export --from ./data --to s3://my-bucket/retail
  retail-datagen export --from ./data --to 'azblob://retail/v1' --parallel 16
  retail-datagen export --from ./data --to 's3://retail?endpoint=http://127.0.0.1:9000&use_path_style=true'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if to == "" {
				return fmt.Errorf("--to is required: an object-storage URL such as s3://bucket/prefix, azblob://container/prefix or gs://bucket/prefix")
			}
			if !blobstore.IsURL(to) {
				return fmt.Errorf("--to %s is not an object-storage URL: use s3://, azblob://, abfss:// or gs:// (to copy to a folder, use cp -r)", to)
			}
			if err := refuseURL("--from", from, "export reads a local output folder"); err != nil {
				return err
			}
			if parallel < 1 {
				return fmt.Errorf("--parallel %d: must be at least 1", parallel)
			}
			cfg, err := config.Load(config.LoadOptions{File: configFile, Environ: a.environ})
			if err != nil {
				return err
			}
			var rep progress.Reporter = progress.Nop{}
			switch {
			case quiet:
			case asJSON:
				rep = progress.NewLines(a.stderr, true, time.Second)
			default:
				rep = a.reporter(&runFlags{})
			}
			sum, err := jobs.Export(cmd.Context(), jobs.ExportRequest{
				From: from, To: to, Credentials: credentials(cfg), Parallel: parallel, Progress: rep,
			})
			rep.Close()
			if err != nil {
				return err
			}
			switch {
			case asJSON:
				b, _ := json.Marshal(sum)
				fmt.Fprintf(a.stdout, "%s\n", b)
			case !quiet:
				fmt.Fprintf(a.stdout, "exported %s to %s: %d files, %d uploaded (%.1f MB), %d already there, in %.1fs (%.1f MB/s)\n",
					sum.From, sum.To, sum.Files, sum.Uploaded, float64(sum.Bytes)/1e6, sum.Skipped, sum.Seconds, sum.MBPerSec)
			}
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&from, "from", "data", "output folder to copy (it must hold manifest.json)")
	fs.StringVar(&to, "to", "", "destination: s3://, azblob://, abfss:// or gs://BUCKET/PREFIX")
	fs.IntVar(&parallel, "parallel", 8, "concurrent uploads")
	fs.StringVarP(&configFile, "config", "c", "", "configuration file, for storage.account_uri and storage.account_key")
	fs.BoolVarP(&quiet, "quiet", "q", false, "print nothing but errors")
	fs.BoolVar(&asJSON, "json", false, "machine-readable progress and summary (JSON lines)")
	return cmd
}
