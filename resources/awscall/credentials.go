package awscall

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/ec2rolecreds"
	"github.com/aws/aws-sdk-go-v2/credentials/endpointcreds"
	"github.com/aws/aws-sdk-go-v2/credentials/processcreds"

	"github.com/aslrun/aslrun/asl/failure"
)

// CredentialsProvider gives the credentials that sign calls (the SDK's interface, from its core module).
type CredentialsProvider = aws.CredentialsProvider

// The default chain is the SDK's order, built here from the SDK's small credential packages rather than
// its config package, whose SSO, SSO-OIDC and STS clients cost start-up time: the environment
// (AWS_ACCESS_KEY_ID...), the profile (AWS_PROFILE, else default) of the shared credentials and config files
// (static keys or credential_process; a profile of another kind, role_arn, SSO or web identity, is resolved
// by the AWS CLI's `aws configure export-credentials` when it is installed), the container's credentials
// endpoint (ECS, EKS Pod Identity), then the instance's (EC2 IMDS). A call to a bound endpoint (an
// emulator) is signed with placeholders when the environment and the profile have none, and never waits
// for the instance metadata service.

func (c *Client) credentials(ctx context.Context, bound bool) (aws.Credentials, error) {
	if c.opts.Credentials != nil {
		return c.opts.Credentials.Retrieve(ctx)
	}
	c.mu.Lock()
	if c.chain == nil {
		c.chain = aws.NewCredentialsCache(&chain{getenv: c.opts.Getenv})
	}
	provider := c.chain
	c.mu.Unlock()
	if bound {
		if creds, ok, err := localCredentials(ctx, c.opts.Getenv); ok || err != nil {
			return creds, err
		}
		return aws.Credentials{AccessKeyID: "aslrun", SecretAccessKey: "aslrun", Source: "aslrun placeholder"}, nil
	}
	creds, err := provider.Retrieve(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return creds, context.Cause(ctx)
		}
		return creds, failure.New(failure.Runtime, fmt.Sprintf("no AWS credentials for calls to AWS: %v", err))
	}
	return creds, nil
}

// localCredentials are the environment's or the profile's, without asking any endpoint: ok is false
// when there are none.
func localCredentials(ctx context.Context, getenv func(string) string) (aws.Credentials, bool, error) {
	if creds, ok := envCredentials(getenv); ok {
		return creds, true, nil
	}
	p, err := profileProvider(getenv)
	if p == nil || err != nil {
		return aws.Credentials{}, false, nil //nolint:nilerr // a broken profile is no reason to fail a call to an emulator
	}
	creds, err := p.Retrieve(ctx)
	return creds, err == nil, nil
}

type chain struct{ getenv func(string) string }

func (ch *chain) Retrieve(ctx context.Context) (aws.Credentials, error) {
	if creds, ok := envCredentials(ch.getenv); ok {
		return creds, nil
	}
	p, err := profileProvider(ch.getenv)
	if err != nil {
		return aws.Credentials{}, err
	}
	if p != nil {
		return p.Retrieve(ctx)
	}
	if full, rel := ch.getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI"), ch.getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"); full != "" || rel != "" {
		if full == "" {
			full = "http://169.254.170.2" + rel
		}
		return endpointcreds.New(full, func(o *endpointcreds.Options) {
			if tok := ch.getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN"); tok != "" {
				o.AuthorizationToken = tok
			}
			if file := ch.getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"); file != "" {
				o.AuthorizationTokenProvider = endpointcreds.TokenProviderFunc(func() (string, error) {
					b, err := os.ReadFile(file)
					return strings.TrimSpace(string(b)), err
				})
			}
		}).Retrieve(ctx)
	}
	if strings.EqualFold(ch.getenv("AWS_EC2_METADATA_DISABLED"), "true") {
		return aws.Credentials{}, errors.New("none in the environment (AWS_ACCESS_KEY_ID), the profile or the container, and AWS_EC2_METADATA_DISABLED=true")
	}
	creds, err := ec2rolecreds.New().Retrieve(ctx)
	if err != nil {
		return creds, fmt.Errorf("none in the environment (AWS_ACCESS_KEY_ID), the profile or the container, and the instance metadata service gave none: %w", err)
	}
	return creds, nil
}

func envCredentials(getenv func(string) string) (aws.Credentials, bool) {
	id, secret := getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY")
	if id == "" {
		id = getenv("AWS_ACCESS_KEY")
	}
	if secret == "" {
		secret = getenv("AWS_SECRET_KEY")
	}
	if id == "" || secret == "" {
		return aws.Credentials{}, false
	}
	return aws.Credentials{AccessKeyID: id, SecretAccessKey: secret, SessionToken: getenv("AWS_SESSION_TOKEN"), Source: "environment"}, true
}

// profileProvider is the provider of the profile's credentials; nil when the files have no such profile.
func profileProvider(getenv func(string) string) (CredentialsProvider, error) {
	name := profileName(getenv)
	creds := readINI(sharedFile(getenv, "AWS_SHARED_CREDENTIALS_FILE", "credentials"))[name]
	conf := readINI(sharedFile(getenv, "AWS_CONFIG_FILE", "config"))[configSection(name)]
	for _, section := range []map[string]string{creds, conf} {
		if section["aws_access_key_id"] != "" && section["aws_secret_access_key"] != "" {
			return aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
				return aws.Credentials{AccessKeyID: section["aws_access_key_id"], SecretAccessKey: section["aws_secret_access_key"],
					SessionToken: section["aws_session_token"], Source: "shared files, profile " + name}, nil
			}), nil
		}
	}
	for _, section := range []map[string]string{creds, conf} {
		if cmd := section["credential_process"]; cmd != "" {
			return processcreds.NewProvider(cmd), nil
		}
	}
	other := ""
	for _, k := range []string{"role_arn", "sso_session", "sso_start_url", "web_identity_token_file", "login_session"} {
		if conf[k] != "" || creds[k] != "" {
			other = k
			break
		}
	}
	if other == "" && getenv("AWS_WEB_IDENTITY_TOKEN_FILE") != "" {
		other = "AWS_WEB_IDENTITY_TOKEN_FILE"
	}
	if other == "" {
		return nil, nil
	}
	if _, err := exec.LookPath("aws"); err != nil {
		return nil, fmt.Errorf("the profile %q gets its credentials by %s, which aslrun resolves with the AWS CLI "+
			"(aws configure export-credentials), and no aws command is installed: export AWS_ACCESS_KEY_ID and "+
			"AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN) instead", name, other)
	}
	return processcreds.NewProvider("aws configure export-credentials --format process --profile " + name), nil
}

func profileName(getenv func(string) string) string {
	for _, k := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE"} {
		if p := getenv(k); p != "" {
			return p
		}
	}
	return "default"
}

func configSection(profile string) string {
	if profile == "default" {
		return "default"
	}
	return "profile " + profile
}

// profileRegion is the region of the profile in the shared config file.
func profileRegion(getenv func(string) string) string {
	return readINI(sharedFile(getenv, "AWS_CONFIG_FILE", "config"))[configSection(profileName(getenv))]["region"]
}

func sharedFile(getenv func(string) string, env, name string) string {
	if p := getenv(env); p != "" {
		return p
	}
	home := getenv("HOME")
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	return filepath.Join(home, ".aws", name)
}

// readINI reads the sections of an AWS shared file: [section] then key = value lines; # and ; comment.
// A missing or unreadable file has no sections.
func readINI(path string) map[string]map[string]string {
	out := map[string]map[string]string{}
	f, err := os.Open(path)
	if err != nil {
		return out
	}
	defer f.Close()
	var section map[string]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || line[0] == '#' || line[0] == ';':
		case line[0] == '[' && strings.HasSuffix(line, "]"):
			name := strings.Join(strings.Fields(line[1:len(line)-1]), " ")
			section = map[string]string{}
			out[name] = section
		case section != nil:
			if k, v, ok := strings.Cut(line, "="); ok {
				section[strings.ToLower(strings.TrimSpace(k))] = strings.TrimSpace(v)
			}
		}
	}
	return out
}
