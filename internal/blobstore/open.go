package blobstore

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"cloud.google.com/go/storage"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/container"
	"gocloud.dev/blob"
	"gocloud.dev/blob/azureblob"
	"gocloud.dev/blob/gcsblob"
	"gocloud.dev/blob/s3blob"
	"gocloud.dev/gcp"
	"google.golang.org/api/option"
)

// Credentials are the object-storage settings of the configuration
// (storage.account_uri and storage.account_key, or the environment variables
// AZURE_STORAGE_ACCOUNT_URI and AZURE_STORAGE_ACCOUNT_KEY). Both concern
// Azure; S3 and Google Cloud Storage use their SDKs' standard credential
// chains.
type Credentials struct {
	// AzureAccountURI is the blob service URL, e.g.
	// https://ACCOUNT.blob.core.windows.net, or for Azurite
	// http://127.0.0.1:10000/devstoreaccount1. A SAS query string on it
	// authenticates requests.
	AzureAccountURI string
	// AzureAccountKey is the storage account's shared key (secret).
	AzureAccountKey string
}

// secrets lists the strings that must never appear in an error message.
func (c Credentials) secrets() []string {
	var out []string
	if c.AzureAccountKey != "" {
		out = append(out, c.AzureAccountKey)
	}
	if _, q, ok := strings.Cut(c.AzureAccountURI, "?"); ok && q != "" {
		out = append(out, q)
		if v, err := url.ParseQuery(q); err == nil && v.Get("sig") != "" {
			out = append(out, v.Get("sig"), url.QueryEscape(v.Get("sig")))
		}
	}
	return out
}

// Open opens the bucket of an object-storage URL (see Parse). Query
// parameters configure the driver:
//
//   - s3: endpoint (an S3-compatible store or emulator, e.g.
//     http://127.0.0.1:9000), use_path_style=true, region, profile,
//     disable_https, anonymous, and the other parameters of gocloud.dev's
//     s3blob. Credentials come from the AWS default chain (environment,
//     shared config and credentials files, SSO, web identity, instance or
//     container role).
//   - azblob, abfs, abfss: storage_account, domain, protocol (http or
//     https), localemu=true (Azurite-style URLs). Credentials: creds (the
//     configuration's storage.account_uri / storage.account_key), else
//     AZURE_STORAGE_ACCOUNT with AZURE_STORAGE_KEY, AZURE_STORAGE_SAS_TOKEN,
//     AZURE_STORAGE_CONNECTION_STRING, else Entra ID through
//     DefaultAzureCredential (az login, managed identity, workload identity).
//   - gs: endpoint (an emulator, e.g. http://127.0.0.1:4443, without
//     authentication), anonymous=true, access_id, private_key_path.
//     Credentials: Application Default Credentials.
func Open(ctx context.Context, rawURL string, creds Credentials) (*Store, error) {
	loc, err := Parse(rawURL)
	if err != nil {
		return nil, err
	}
	s := &Store{loc: loc, secrets: creds.secrets()}
	var b *blob.Bucket
	switch loc.Scheme {
	case SchemeS3:
		b, err = openS3(ctx, loc)
	case SchemeAzure:
		b, err = openAzure(ctx, loc, creds)
	case SchemeGCS:
		b, err = s.openGCS(ctx, loc)
	}
	if err != nil {
		return nil, s.scrub(fmt.Errorf("opening %s: %w", loc, err))
	}
	if loc.Prefix != "" {
		b = blob.PrefixedBucket(b, loc.Prefix+"/")
	}
	s.bucket = b
	return s, nil
}

func openS3(ctx context.Context, loc Location) (*blob.Bucket, error) {
	q := cloneValues(loc.Query)
	// An S3-compatible store reached by endpoint still needs a region to
	// sign requests; most accept any.
	if q.Get("endpoint") != "" && q.Get("region") == "" {
		q.Set("region", "us-east-1")
	}
	u := &url.URL{Scheme: "s3", Host: loc.Bucket, RawQuery: q.Encode()}
	return (&s3blob.URLOpener{}).OpenBucketURL(ctx, u)
}

func openAzure(ctx context.Context, loc Location, creds Credentials) (*blob.Bucket, error) {
	opts := azureblob.NewDefaultServiceURLOptions()
	if loc.Account != "" {
		opts.AccountName = loc.Account
		if loc.Domain != "" {
			opts.StorageDomain = loc.Domain
		}
	}
	for k, vs := range loc.Query {
		v := vs[len(vs)-1]
		switch k {
		case "storage_account":
			opts.AccountName = v
		case "domain":
			opts.StorageDomain = v
		case "protocol":
			opts.Protocol = v
		case "localemu", "cdn":
			on, err := strconv.ParseBool(v)
			if err != nil {
				return nil, fmt.Errorf("query parameter %s=%q: want true or false", k, v)
			}
			if k == "localemu" {
				opts.IsLocalEmulator = on
			} else {
				opts.IsCDN = on
			}
		default:
			return nil, fmt.Errorf("unknown query parameter %q for Azure Blob (known: storage_account, domain, protocol, localemu, cdn)", k)
		}
	}
	var svc string
	if creds.AzureAccountURI != "" {
		svc = creds.AzureAccountURI
	} else {
		if opts.AccountName == "" {
			return nil, errors.New("no storage account: set storage.account_uri (or AZURE_STORAGE_ACCOUNT_URI), AZURE_STORAGE_ACCOUNT, add ?storage_account=NAME, or use abfss://CONTAINER@ACCOUNT.dfs.core.windows.net/PREFIX")
		}
		u, err := azureblob.NewServiceURL(opts)
		if err != nil {
			return nil, err
		}
		svc = string(u)
	}
	base, sas, _ := strings.Cut(svc, "?")
	base = strings.TrimRight(base, "/")
	containerURL := base + "/" + url.PathEscape(loc.Bucket)
	var (
		client *container.Client
		err    error
	)
	switch {
	case creds.AzureAccountKey != "":
		account := accountName(base, opts.AccountName)
		if account == "" {
			return nil, fmt.Errorf("cannot tell the storage account from %s: set storage.account_uri to https://ACCOUNT.blob.core.windows.net", base)
		}
		cred, cerr := container.NewSharedKeyCredential(account, creds.AzureAccountKey)
		if cerr != nil {
			return nil, errors.New("storage.account_key is not a valid account key (base64): copy it again from the storage account's access keys")
		}
		client, err = container.NewClientWithSharedKeyCredential(containerURL, cred, nil)
	case sas != "":
		client, err = container.NewClientWithNoCredential(containerURL+"?"+sas, nil)
	default:
		client, err = azureblob.NewDefaultClient(azureblob.ServiceURL(base), azureblob.ContainerName(loc.Bucket))
	}
	if err != nil {
		return nil, err
	}
	return azureblob.OpenBucket(ctx, client, nil)
}

// accountName is the storage account of a blob service URL: the first
// label of the host, or for an emulator (an IP address or localhost) the
// first path segment.
func accountName(serviceURL, fallback string) string {
	if fallback != "" {
		return fallback
	}
	u, err := url.Parse(serviceURL)
	if err != nil {
		return ""
	}
	host := u.Hostname()
	if net.ParseIP(host) != nil || host == "localhost" {
		first, _, _ := strings.Cut(strings.Trim(u.Path, "/"), "/")
		return first
	}
	first, _, _ := strings.Cut(host, ".")
	return first
}

func (s *Store) openGCS(ctx context.Context, loc Location) (*blob.Bucket, error) {
	q := cloneValues(loc.Query)
	if ep := q.Get("endpoint"); ep != "" {
		q.Del("endpoint")
		if len(q) > 0 {
			return nil, errors.New("gs:// with endpoint takes no other query parameter")
		}
		c, err := storage.NewClient(ctx, option.WithEndpoint(strings.TrimRight(ep, "/")+"/storage/v1/"), option.WithoutAuthentication(), storage.WithJSONReads())
		if err != nil {
			return nil, err
		}
		s.closers = append(s.closers, c.Close)
		return gcsblob.OpenBucket(ctx, nil, loc.Bucket, &gcsblob.Options{Client: c})
	}
	var client *gcp.HTTPClient
	if anon, _ := strconv.ParseBool(q.Get("anonymous")); anon {
		client = gcp.NewAnonymousHTTPClient(gcp.DefaultTransport())
	} else {
		creds, err := gcp.DefaultCredentials(ctx)
		if err != nil {
			return nil, fmt.Errorf("no Google Cloud credentials (run `gcloud auth application-default login` or set GOOGLE_APPLICATION_CREDENTIALS): %w", err)
		}
		if client, err = gcp.NewHTTPClient(gcp.DefaultTransport(), gcp.CredentialsTokenSource(creds)); err != nil {
			return nil, err
		}
	}
	u := &url.URL{Scheme: "gs", Host: loc.Bucket, RawQuery: q.Encode()}
	return (&gcsblob.URLOpener{Client: client}).OpenBucketURL(ctx, u)
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
