// Package blobtest starts object stores for tests: an in-process S3
// (gofakes3), Azurite (the Azure Blob emulator, installed from npm by
// scripts/test.sh) and an in-process Google Cloud Storage
// (fake-gcs-server). Each returns the URL of a fresh bucket and the
// environment a retail-datagen process needs to reach it.
package blobtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/container"
	"github.com/fsouza/fake-gcs-server/fakestorage"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/retail-datagen/retail-datagen/internal/blobstore"
)

// Store is a bucket of a test object store.
type Store struct {
	Name string // s3, azblob or gs
	// URL is the bucket's root as --out takes it (with the query
	// parameters that point at the emulator).
	URL string
	// Env is what a process needs to reach it (credentials).
	Env []string
	// Credentials are the same, for blobstore.Open in-process.
	Credentials blobstore.Credentials
}

// At returns the store's URL for a prefix inside the bucket.
func (s Store) At(prefix string) string {
	base, q, _ := strings.Cut(s.URL, "?")
	u := strings.TrimRight(base, "/") + "/" + prefix
	if q != "" {
		u += "?" + q
	}
	return u
}

// S3 starts an in-process S3 server with one bucket.
func S3(t testing.TB) Store {
	t.Helper()
	backend := s3mem.New()
	srv := httptest.NewServer(gofakes3.New(backend).Server())
	t.Cleanup(srv.Close)
	if err := backend.CreateBucket("retail"); err != nil {
		t.Fatal(err)
	}
	env := []string{"AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test-secret", "AWS_REGION=us-east-1",
		"AWS_CONFIG_FILE=" + os.DevNull, "AWS_SHARED_CREDENTIALS_FILE=" + os.DevNull, "AWS_EC2_METADATA_DISABLED=true"}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	return Store{Name: "s3", URL: "s3://retail?endpoint=" + srv.URL + "&use_path_style=true", Env: env}
}

// AzuriteAccount and AzuriteKey are Azurite's well-known development
// account and its published key.
const (
	AzuriteAccount = "devstoreaccount1"
	AzuriteKey     = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)

// AzuriteDir is where scripts/test.sh installs Azurite, relative to the
// module root.
const AzuriteDir = "internal/blobstore/testdata/azurite"

// Azurite starts azurite-blob on a free loopback port with one container.
// When the emulator is not installed the test is skipped with a hint, or
// fails under CI=true.
func Azurite(t testing.TB) Store {
	t.Helper()
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(root, AzuriteDir, "node_modules", ".bin", "azurite-blob")
	if _, err := os.Stat(bin); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("Azurite is not installed at %s: ./scripts/test.sh installs it", bin)
		}
		t.Skipf("Azurite is not installed (%s): run ./scripts/test.sh once to install it", bin)
	}
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "--blobHost", "127.0.0.1", "--blobPort", fmt.Sprint(port), "--inMemoryPersistence", "--skipApiVersionCheck", "--loose", "--disableTelemetry", "--silent")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	// Its working folder gets the debug log and the extents' metadata.
	cmd.Dir = t.TempDir()
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting Azurite: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	accountURI := "http://" + addr + "/" + AzuriteAccount
	cred, err := container.NewSharedKeyCredential(AzuriteAccount, AzuriteKey)
	if err != nil {
		t.Fatal(err)
	}
	client, err := container.NewClientWithSharedKeyCredential(accountURI+"/retail", cred, nil)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		_, err = client.Create(ctx, nil)
		cancel()
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Azurite did not come up on %s: %v\n%s", addr, err, out.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
	return Store{
		Name: "azblob",
		URL:  "azblob://retail",
		Env:  []string{"AZURE_STORAGE_ACCOUNT_URI=" + accountURI, "AZURE_STORAGE_ACCOUNT_KEY=" + AzuriteKey},
		Credentials: blobstore.Credentials{
			AzureAccountURI: accountURI, AzureAccountKey: AzuriteKey,
		},
	}
}

// GCS starts an in-process Google Cloud Storage server with one bucket.
func GCS(t testing.TB) Store {
	t.Helper()
	srv, err := fakestorage.NewServerWithOptions(fakestorage.Options{
		Scheme: "http", Host: "127.0.0.1", Port: 0, Writer: io.Discard,
	})
	if err != nil {
		t.Fatalf("starting the GCS server: %v", err)
	}
	t.Cleanup(srv.Stop)
	srv.CreateBucketWithOpts(fakestorage.CreateBucketOpts{Name: "retail"})
	return Store{Name: "gs", URL: "gs://retail?endpoint=" + srv.URL()}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// moduleRoot finds the folder holding go.mod, from the working directory up.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("go.mod not found above the working directory")
		}
		dir = parent
	}
}
