package cli

import (
	"fmt"
	"path/filepath"
	"sort"

	"github.com/spf13/cobra"

	"github.com/retail-datagen/retail-datagen/internal/jobs"
	"github.com/retail-datagen/retail-datagen/internal/stream"
)

func (a *app) dlqCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "dlq",
		Short: "List or replay the events a stream's sink rejected",
		Long: `Events that a sink rejects permanently (a record too large, say) are not dropped:
stream writes them to <out>/dlq as JSON Lines files. list shows them; replay sends
them again, to the same or another sink, and removes each file once it is
acknowledged.`,
		Example: `  retail-datagen dlq list -o ./retail
  retail-datagen dlq replay -o ./retail --sink kafka://localhost:9092/retail-events`,
	}
	var out string
	list := &cobra.Command{
		Use:     "list",
		Short:   "Show the dead-letter files and their event counts",
		Example: `  retail-datagen dlq list -o ./retail`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := refuseURL("--out", out, "dead-lettered events are kept in a local folder"); err != nil {
				return err
			}
			files, err := stream.DeadLetters(filepath.Join(out, "dlq"))
			if err != nil {
				return err
			}
			names := make([]string, 0, len(files))
			total := 0
			for n, c := range files {
				names = append(names, n)
				total += c
			}
			sort.Strings(names)
			for _, n := range names {
				fmt.Fprintf(a.stdout, "%s  %d events\n", filepath.Join(out, "dlq", n), files[n])
			}
			fmt.Fprintf(a.stdout, "%d dead-lettered events\n", total)
			return nil
		},
	}
	var sinkSpec string
	replay := &cobra.Command{
		Use:     "replay",
		Short:   "Send the dead-lettered events to a sink",
		Example: `  retail-datagen dlq replay -o ./retail --sink file:./replayed`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := jobs.OpenSink(cmd.Context(), sinkSpec, jobs.SinkOptions{
				Stdout: a.stdout, Getenv: a.getenv, ConnString: a.getenv("AZURE_EVENTHUB_CONNECTION_STRING"),
			})
			if err != nil {
				return err
			}
			raw, ok := s.(stream.RawSender)
			if !ok {
				return fmt.Errorf("--sink %q cannot replay encoded events", sinkSpec)
			}
			if err := refuseURL("--out", out, "dead-lettered events are kept in a local folder"); err != nil {
				return err
			}
			n, err := stream.Replay(cmd.Context(), filepath.Join(out, "dlq"), raw)
			if cerr := s.Close(); err == nil {
				err = cerr
			}
			fmt.Fprintf(a.stdout, "replayed %d events\n", n)
			return err
		},
	}
	for _, c := range []*cobra.Command{list, replay} {
		c.Flags().StringVarP(&out, "out", "o", "data", "output folder of the stream")
	}
	replay.Flags().StringVar(&sinkSpec, "sink", "stdout", "where to send them: "+jobs.SinkSpecs)
	cmd.AddCommand(list, replay)
	return cmd
}
