package cli

import (
	"context"
	"errors"

	"github.com/retail-datagen/retail-datagen/internal/blobstore"
	"github.com/retail-datagen/retail-datagen/internal/config"
	"github.com/retail-datagen/retail-datagen/internal/generate"
	"github.com/retail-datagen/retail-datagen/internal/jobs"
	"github.com/retail-datagen/retail-datagen/internal/state"
)

// credentials are the object-storage settings of the configuration.
func credentials(cfg *config.Config) blobstore.Credentials {
	return blobstore.Credentials{AzureAccountURI: cfg.Storage.AccountURI, AzureAccountKey: cfg.Storage.AccountKey}
}

// openRemote prepares a generation run into the bucket of --out: it
// downloads the run's manifest and state into the staging folder.
func (a *app) openRemote(ctx context.Context, opts generate.Options, staging string) (*jobs.Remote, error) {
	stateName := state.FileName
	if opts.Shard.Sharded() {
		stateName = state.ShardFileName(opts.Shard.K, opts.Shard.N)
	}
	return jobs.OpenRemote(ctx, jobs.RemoteOptions{
		URL:         opts.Config.Output.Dir,
		Credentials: credentials(opts.Config),
		Staging:     staging,
		Parallel:    max(4, opts.Workers),
		RootFiles:   []string{opts.Shard.ManifestName(), stateName},
	})
}

// renameRoot names the output URL instead of the staging folder in an
// error message.
func renameRoot(err error, staging, target string) error {
	return jobs.RenamePath(err, staging, target)
}

// refuseURL rejects an object-storage URL where a command needs a local
// folder.
func refuseURL(what, value, hint string) error {
	if !blobstore.IsURL(value) {
		return nil
	}
	msg := what + " " + blobstore.Redact(value) + " is a URL, but this command works on a local folder"
	if hint != "" {
		msg += ": " + hint
	}
	return errors.New(msg)
}
