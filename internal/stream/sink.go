package stream

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// Sink delivers batches of events. Send returns once the batch is
// acknowledged (written, or accepted by the broker); an error means none of
// the batch may be considered delivered.
type Sink interface {
	Send(ctx context.Context, batch []*Event) error
	Close() error
}

// WriterSink writes JSON Lines to a writer (standard output).
type WriterSink struct {
	w   *bufio.Writer
	buf []byte
	now func() time.Time
}

// NewWriterSink writes to w.
func NewWriterSink(w io.Writer) *WriterSink {
	return &WriterSink{w: bufio.NewWriterSize(w, 256<<10), now: time.Now}
}

// Send writes and flushes the batch.
func (s *WriterSink) Send(_ context.Context, batch []*Event) error {
	ingest := IngestTime(s.now())
	for i := range batch {
		s.buf = batch[i].AppendJSON(s.buf[:0], ingest)
		s.buf = append(s.buf, '\n')
		if _, err := s.w.Write(s.buf); err != nil {
			return err
		}
	}
	return s.w.Flush()
}

// Close flushes.
func (s *WriterSink) Close() error { return s.w.Flush() }

// FileSink writes rotating JSON Lines files events-<n>.jsonl in a folder.
// A file is written under a hidden temporary name and renamed when it is
// full (MaxEvents) or the sink closes, so readers never see a partial
// file. A batch is acknowledged once it is written to the operating system,
// which keeps it if the process dies; it reaches the disk at the latest
// SyncInterval later (and at every rotation and on close), so only a power
// loss can take back the events of that last interval.
type FileSink struct {
	dir       string
	maxEvents int
	seq       int
	f         *os.File
	w         *bufio.Writer
	n         int
	buf       []byte
	now       func() time.Time
	// SyncInterval is the longest time written events stay unsynced
	// (default 1 s; 0 after NewFileSink means every batch).
	SyncInterval time.Duration
	lastSync     time.Time
}

// NewFileSink writes into dir, rotating every maxEvents events.
func NewFileSink(dir string, maxEvents int) (*FileSink, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("creating %s: %w", dir, err)
	}
	// A killed stream may have left its current file under its temporary
	// name; what it holds up to the last complete line was acknowledged,
	// so it is finished and kept.
	tmps, _ := filepath.Glob(filepath.Join(dir, ".events-*.tmp"))
	for _, p := range tmps {
		var k int
		if _, err := fmt.Sscanf(filepath.Base(p), ".events-%d.", &k); err != nil {
			continue
		}
		if err := recoverFile(p, filepath.Join(dir, fmt.Sprintf("events-%06d.jsonl", k))); err != nil {
			return nil, err
		}
	}
	// Continue the numbering of files already there.
	seq := 0
	m, _ := filepath.Glob(filepath.Join(dir, "events-*.jsonl"))
	for _, p := range m {
		var k int
		if _, err := fmt.Sscanf(filepath.Base(p), "events-%d.jsonl", &k); err == nil && k >= seq {
			seq = k + 1
		}
	}
	return &FileSink{dir: dir, maxEvents: max(1, maxEvents), seq: seq, now: time.Now, SyncInterval: time.Second}, nil
}

func (s *FileSink) final() string {
	return filepath.Join(s.dir, fmt.Sprintf("events-%06d.jsonl", s.seq))
}

func (s *FileSink) open() error {
	f, err := os.CreateTemp(s.dir, fmt.Sprintf(".events-%06d.*.tmp", s.seq))
	if err != nil {
		return fmt.Errorf("creating an event file in %s: %w", s.dir, err)
	}
	s.f, s.w, s.n = f, bufio.NewWriterSize(f, 256<<10), 0
	s.lastSync = s.now()
	return nil
}

// flush hands the buffered events to the operating system, and syncs them
// to disk when the last sync is SyncInterval old.
func (s *FileSink) flush() error {
	if s.f == nil {
		return nil
	}
	if err := s.w.Flush(); err != nil {
		return err
	}
	if now := s.now(); now.Sub(s.lastSync) >= s.SyncInterval {
		s.lastSync = now
		return s.f.Sync()
	}
	return nil
}

// rotate finishes the current file.
func (s *FileSink) rotate() error {
	if s.f == nil {
		return nil
	}
	if err := s.w.Flush(); err != nil {
		return err
	}
	if err := s.f.Sync(); err != nil {
		return err
	}
	if err := s.f.Close(); err != nil {
		return err
	}
	if err := os.Rename(s.f.Name(), s.final()); err != nil {
		return err
	}
	s.f = nil
	s.seq++
	return nil
}

// Send appends the batch.
func (s *FileSink) Send(_ context.Context, batch []*Event) error {
	ingest := IngestTime(s.now())
	for i := range batch {
		if s.f == nil {
			if err := s.open(); err != nil {
				return err
			}
		}
		s.buf = batch[i].AppendJSON(s.buf[:0], ingest)
		s.buf = append(s.buf, '\n')
		if _, err := s.w.Write(s.buf); err != nil {
			return err
		}
		s.n++
		if s.n >= s.maxEvents {
			if err := s.rotate(); err != nil {
				return err
			}
		}
	}
	return s.flush()
}

// Close finishes the current file.
func (s *FileSink) Close() error { return s.rotate() }

// recoverFile keeps the complete lines of a temporary event file under its
// final name (or removes it when it holds none).
func recoverFile(tmp, final string) error {
	b, err := os.ReadFile(tmp)
	if err != nil {
		return fmt.Errorf("recovering %s: %w", tmp, err)
	}
	end := bytes.LastIndexByte(b, '\n') + 1
	if end == 0 {
		return os.Remove(tmp)
	}
	if err := os.Truncate(tmp, int64(end)); err != nil {
		return fmt.Errorf("recovering %s: %w", tmp, err)
	}
	return os.Rename(tmp, final)
}

// RawRecord is an event already encoded (a dead letter being replayed).
type RawRecord struct {
	Key   []byte // partition key
	Value []byte // the JSON envelope
}

// RawSender is implemented by sinks that can resend encoded events.
type RawSender interface {
	SendRaw(ctx context.Context, recs []RawRecord) error
}

// SendRaw writes the records as they are.
func (s *WriterSink) SendRaw(_ context.Context, recs []RawRecord) error {
	for _, r := range recs {
		if _, err := s.w.Write(append(r.Value, '\n')); err != nil {
			return err
		}
	}
	return s.w.Flush()
}

// SendRaw writes the records as they are, like Send.
func (s *FileSink) SendRaw(_ context.Context, recs []RawRecord) error {
	for _, r := range recs {
		if s.f == nil {
			if err := s.open(); err != nil {
				return err
			}
		}
		if _, err := s.w.Write(append(r.Value, '\n')); err != nil {
			return err
		}
		s.n++
		if s.n >= s.maxEvents {
			if err := s.rotate(); err != nil {
				return err
			}
		}
	}
	return s.flush()
}
