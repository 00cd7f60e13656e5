// Command k8s-up starts one real Kubernetes control plane per cluster name on loopback (etcd,
// kube-apiserver, kube-controller-manager, kube-scheduler and kwok's fake nodes), applies the
// shop fleet with kubectl, writes a kubeconfig and a watchdeck config, and keeps them running
// until it is interrupted. watchdeck's tests drive it through stdin (stop, start, compact).
package main

import (
	"bufio"
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	nodefast "sigs.k8s.io/kwok/kustomize/stage/node/fast"
	nodelease "sigs.k8s.io/kwok/kustomize/stage/node/heartbeat-with-lease"
	podfast "sigs.k8s.io/kwok/kustomize/stage/pod/fast"
)

// The three identities every cluster knows, as static bearer tokens, and the namespace
// their kubeconfig context names (shop-dev may not list cluster-wide).
var identities = []struct{ suffix, user, groups, namespace string }{
	{"", "admin", "system:masters", ""},
	{"-view", "viewer", "", ""},
	{"-shop", "shop-dev", "", "shop"},
}

type options struct {
	dir          string
	bin          string
	clusters     []string
	nodes        int
	fleet        string
	kubectl      string
	maxInflight  int
	apiserverArg []string
	controlStdin bool
	removeDir    bool
}

type component struct {
	name string
	args []string
	cmd  *exec.Cmd
	done chan struct{}
	log  string
}

type cluster struct {
	name       string
	index      int
	dir        string
	etcdPort   int
	peerPort   int
	apiPort    int
	kcmPort    int
	schedPort  int
	kwokPort   int
	components map[string]*component
	mu         sync.Mutex
}

type launcher struct {
	opts     options
	caCert   []byte
	caKey    *ecdsa.PrivateKey
	caPEM    string
	tokens   map[string]string // user -> token
	clusters []*cluster
	client   *http.Client
}

func main() {
	var opts options
	var clusters string
	flag.StringVar(&opts.dir, "dir", "", "state directory: certificates, data, logs, kubeconfig, watchdeck.toml (created)")
	flag.StringVar(&opts.bin, "bin", "", "directory holding etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok (default: this program's own)")
	flag.StringVar(&clusters, "clusters", "us-east-1,eu-west-1,ap-southeast-1", "comma-separated cluster names, one control plane each")
	flag.IntVar(&opts.nodes, "nodes", 3, "kwok fake nodes per cluster")
	flag.StringVar(&opts.fleet, "fleet", "", "directory of manifests applied with kubectl: *.yaml and *.json to every cluster in name order, CLUSTER/* to that cluster only, revisions/* one rollout at a time, status/*.json as status subresource patches")
	flag.StringVar(&opts.kubectl, "kubectl", "kubectl", "the kubectl to apply manifests with")
	flag.IntVar(&opts.maxInflight, "max-requests-inflight", 0, "if set, kube-apiserver runs without priority and fairness and answers 429 past this many requests in flight")
	flag.Func("apiserver-arg", "one more kube-apiserver argument, as --name=value (repeatable)", func(v string) error {
		opts.apiserverArg = append(opts.apiserverArg, v)
		return nil
	})
	flag.BoolVar(&opts.removeDir, "remove-dir-on-exit", false, "delete --dir (etcd data, logs, certificates) when shutting down")
	flag.BoolVar(&opts.controlStdin, "control-stdin", false, "read commands from stdin (stop|kill|start CLUSTER COMPONENT, compact CLUSTER, ports CLUSTER, quit), answer each with one line, and shut down at end of input")
	flag.Parse()
	if opts.dir == "" {
		fail("k8s-up: --dir is required (where certificates, data, logs and the kubeconfig go)")
	}
	opts.clusters = splitList(clusters)
	if len(opts.clusters) == 0 {
		fail("k8s-up: --clusters names no cluster")
	}
	if opts.bin == "" {
		self, err := os.Executable()
		if err != nil {
			fail("k8s-up: cannot find its own directory (%v); pass --bin", err)
		}
		opts.bin = filepath.Dir(self)
	}
	for _, name := range []string{"etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok"} {
		if _, err := os.Stat(filepath.Join(opts.bin, name)); err != nil {
			fail("k8s-up: %s is missing from %s: build it with scripts/k8s-build", name, opts.bin)
		}
	}
	if err := prepareDir(opts.dir); err != nil {
		fail("k8s-up: %v", err)
	}
	if err := os.MkdirAll(opts.dir, 0o755); err != nil {
		fail("k8s-up: cannot create %s: %v", opts.dir, err)
	}
	if err := os.WriteFile(filepath.Join(opts.dir, marker), []byte("state of scripts/k8s-up; emptied on its next start\n"), 0o644); err != nil {
		fail("k8s-up: cannot write in %s: %v", opts.dir, err)
	}
	dir, err := filepath.Abs(opts.dir)
	if err != nil {
		fail("k8s-up: %v", err)
	}
	opts.dir = dir

	l := &launcher{opts: opts, tokens: map[string]string{}}
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		<-signals
		l.shutdown()
		os.Exit(0)
	}()
	if err := l.up(); err != nil {
		l.shutdown()
		fail("k8s-up: %v", err)
	}
	fmt.Printf("ready %s\n", filepath.Join(opts.dir, "kubeconfig"))
	if opts.controlStdin {
		l.control(os.Stdin, os.Stdout)
		l.shutdown()
		return
	}
	fmt.Fprintf(os.Stderr, "k8s-up: %d control plane(s) running; KUBECONFIG=%s; Ctrl-C stops them\n",
		len(l.clusters), filepath.Join(opts.dir, "kubeconfig"))
	select {}
}

const marker = ".k8s-up"

// prepareDir empties a state directory k8s-up made before, and refuses any other non-empty one.
func prepareDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if len(entries) == 0 {
		return nil
	}
	if _, err := os.Stat(filepath.Join(dir, marker)); err != nil {
		return fmt.Errorf("%s is not empty and was not made by k8s-up; give an empty or new directory", dir)
	}
	for _, entry := range entries {
		if err := os.RemoveAll(filepath.Join(dir, entry.Name())); err != nil {
			return err
		}
	}
	return nil
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	os.Exit(1)
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

func (l *launcher) up() error {
	if err := l.pki(); err != nil {
		return err
	}
	l.client = &http.Client{
		Timeout:   5 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: l.caPool()}},
	}
	for i, name := range l.opts.clusters {
		c := &cluster{name: name, index: i, dir: filepath.Join(l.opts.dir, name), components: map[string]*component{}}
		for _, port := range []*int{&c.etcdPort, &c.peerPort, &c.apiPort, &c.kcmPort, &c.schedPort, &c.kwokPort} {
			p, err := freePort()
			if err != nil {
				return err
			}
			*port = p
		}
		l.clusters = append(l.clusters, c)
	}
	if err := l.writeKubeconfig(); err != nil {
		return err
	}
	errs := make(chan error, len(l.clusters))
	for _, c := range l.clusters {
		go func(c *cluster) { errs <- l.startCluster(c) }(c)
	}
	var failures []string
	for range l.clusters {
		if err := <-errs; err != nil {
			failures = append(failures, err.Error())
		}
	}
	if len(failures) > 0 {
		sort.Strings(failures)
		return errors.New(strings.Join(failures, "; "))
	}
	return l.writeWatchdeckConfig()
}

func freePort() (int, error) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("no free port on 127.0.0.1: %v", err)
	}
	defer listener.Close()
	return listener.Addr().(*net.TCPAddr).Port, nil
}

func randomHex(n int) string {
	buf := make([]byte, n)
	if _, err := rand.Read(buf); err != nil {
		panic(err)
	}
	return hex.EncodeToString(buf)
}

// pki writes one certificate authority, the API servers' serving certificate, the service
// account key pair and the static token file shared by every cluster.
func (l *launcher) pki() error {
	pkiDir := filepath.Join(l.opts.dir, "pki")
	if err := os.MkdirAll(pkiDir, 0o700); err != nil {
		return err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	now := time.Now()
	caTemplate := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "watchdeck-test-ca"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(30 * 24 * time.Hour),
		IsCA:                  true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTemplate, caTemplate, &key.PublicKey, key)
	if err != nil {
		return err
	}
	l.caCert, l.caKey = caDER, key
	l.caPEM = string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}))
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		return err
	}

	serverKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	serverTemplate := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "kube-apiserver"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(30 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     []string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("10.96.0.1")},
	}
	serverDER, err := x509.CreateCertificate(rand.Reader, serverTemplate, ca, &serverKey.PublicKey, key)
	if err != nil {
		return err
	}
	serverKeyDER, err := x509.MarshalECPrivateKey(serverKey)
	if err != nil {
		return err
	}
	saKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return err
	}
	saPub, err := x509.MarshalPKIXPublicKey(&saKey.PublicKey)
	if err != nil {
		return err
	}
	files := map[string][]byte{
		"ca.crt":     []byte(l.caPEM),
		"server.crt": pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: serverDER}),
		"server.key": pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: serverKeyDER}),
		"sa.key":     pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(saKey)}),
		"sa.pub":     pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: saPub}),
	}
	var tokens strings.Builder
	for _, id := range identities {
		token := id.user + "-" + randomHex(16)
		l.tokens[id.user] = token
		fmt.Fprintf(&tokens, "%s,%s,%s", token, id.user, id.user)
		if id.groups != "" {
			fmt.Fprintf(&tokens, ",\"%s\"", id.groups)
		}
		tokens.WriteString("\n")
	}
	files["tokens.csv"] = []byte(tokens.String())
	// kwok's own "fast" stages: nodes become Ready and keep their leases, pods become Ready at
	// once and are deleted at once.
	stages := strings.Join([]string{nodefast.DefaultNodeInit, nodelease.DefaultNodeHeartbeatWithLease,
		podfast.DefaultPodReady, podfast.DefaultPodComplete, podfast.DefaultPodDelete}, "\n---\n")
	if err := os.WriteFile(filepath.Join(l.opts.dir, "kwok-stages.yaml"), []byte(stages), 0o644); err != nil {
		return err
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(pkiDir, name), data, 0o600); err != nil {
			return err
		}
	}
	return nil
}

func (l *launcher) caPool() *x509.CertPool {
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM([]byte(l.caPEM))
	return pool
}

func (l *launcher) pkiPath(name string) string {
	return filepath.Join(l.opts.dir, "pki", name)
}

// writeKubeconfig writes one context per cluster and identity: NAME (admin), NAME-view
// (the built-in view role) and NAME-shop (a Role in namespace shop only).
func (l *launcher) writeKubeconfig() error {
	var b strings.Builder
	ca := base64.StdEncoding.EncodeToString([]byte(l.caPEM))
	b.WriteString("apiVersion: v1\nkind: Config\nclusters:\n")
	for _, c := range l.clusters {
		fmt.Fprintf(&b, "- name: %s\n  cluster:\n    server: https://127.0.0.1:%d\n    certificate-authority-data: %s\n", c.name, c.apiPort, ca)
	}
	b.WriteString("users:\n")
	for _, id := range identities {
		fmt.Fprintf(&b, "- name: %s\n  user:\n    token: %s\n", id.user, l.tokens[id.user])
	}
	b.WriteString("contexts:\n")
	for _, c := range l.clusters {
		for _, id := range identities {
			fmt.Fprintf(&b, "- name: %s%s\n  context:\n    cluster: %s\n    user: %s\n", c.name, id.suffix, c.name, id.user)
			if id.namespace != "" {
				fmt.Fprintf(&b, "    namespace: %s\n", id.namespace)
			}
		}
	}
	fmt.Fprintf(&b, "current-context: %s\n", l.clusters[0].name)
	if err := os.WriteFile(filepath.Join(l.opts.dir, "kubeconfig"), []byte(b.String()), 0o600); err != nil {
		return err
	}
	// Each control-plane component gets a kubeconfig of its own cluster as admin.
	for _, c := range l.clusters {
		if err := os.MkdirAll(c.dir, 0o755); err != nil {
			return err
		}
		own := fmt.Sprintf("apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:%d\n    certificate-authority-data: %s\nusers:\n- name: admin\n  user:\n    token: %s\ncontexts:\n- name: c\n  context:\n    cluster: c\n    user: admin\ncurrent-context: c\n",
			c.apiPort, ca, l.tokens["admin"])
		if err := os.WriteFile(filepath.Join(c.dir, "admin.kubeconfig"), []byte(own), 0o600); err != nil {
			return err
		}
	}
	return nil
}

func (l *launcher) writeWatchdeckConfig() error {
	var b strings.Builder
	b.WriteString("# Written by k8s-up: one real control plane per cluster on loopback.\n")
	b.WriteString("# Contexts NAME-view and NAME-shop in the kubeconfig are the read-only and shop-only identities.\n")
	for _, c := range l.clusters {
		fmt.Fprintf(&b, "\n[[clusters]]\nname = %q\ncontext = %q\nkubeconfig = %q\nlabels = { env = \"test\", region = %q }\n",
			c.name, c.name, filepath.Join(l.opts.dir, "kubeconfig"), c.name)
	}
	return os.WriteFile(filepath.Join(l.opts.dir, "watchdeck.toml"), []byte(b.String()), 0o644)
}

func (l *launcher) componentArgs(c *cluster, name string) []string {
	switch name {
	case "etcd":
		return []string{
			"--name", "default",
			"--data-dir", filepath.Join(c.dir, "etcd"),
			"--listen-client-urls", fmt.Sprintf("http://127.0.0.1:%d", c.etcdPort),
			"--advertise-client-urls", fmt.Sprintf("http://127.0.0.1:%d", c.etcdPort),
			"--listen-peer-urls", fmt.Sprintf("http://127.0.0.1:%d", c.peerPort),
			"--initial-advertise-peer-urls", fmt.Sprintf("http://127.0.0.1:%d", c.peerPort),
			"--initial-cluster", fmt.Sprintf("default=http://127.0.0.1:%d", c.peerPort),
			"--unsafe-no-fsync",
			"--log-level", "warn",
		}
	case "kube-apiserver":
		args := []string{
			"--etcd-servers", fmt.Sprintf("http://127.0.0.1:%d", c.etcdPort),
			"--bind-address", "127.0.0.1",
			"--advertise-address", "127.0.0.1",
			"--secure-port", strconv.Itoa(c.apiPort),
			"--tls-cert-file", l.pkiPath("server.crt"),
			"--tls-private-key-file", l.pkiPath("server.key"),
			"--client-ca-file", l.pkiPath("ca.crt"),
			"--requestheader-client-ca-file", l.pkiPath("ca.crt"),
			"--requestheader-allowed-names", "front-proxy-client",
			"--requestheader-username-headers", "X-Remote-User",
			"--requestheader-group-headers", "X-Remote-Group",
			"--requestheader-extra-headers-prefix", "X-Remote-Extra-",
			"--token-auth-file", l.pkiPath("tokens.csv"),
			"--authorization-mode", "Node,RBAC",
			"--service-account-issuer", "https://kubernetes.default.svc",
			"--service-account-key-file", l.pkiPath("sa.pub"),
			"--service-account-signing-key-file", l.pkiPath("sa.key"),
			"--service-cluster-ip-range", "10.96.0.0/16",
			"--allow-privileged",
			"--v", "1",
		}
		if l.opts.maxInflight > 0 {
			args = append(args,
				"--enable-priority-and-fairness=false",
				"--max-requests-inflight", strconv.Itoa(l.opts.maxInflight),
				"--max-mutating-requests-inflight", strconv.Itoa(l.opts.maxInflight))
		}
		return append(args, l.opts.apiserverArg...)
	case "kube-controller-manager":
		return append(l.controllerArgs(c, c.kcmPort),
			"--service-account-private-key-file", l.pkiPath("sa.key"),
			"--root-ca-file", l.pkiPath("ca.crt"),
			"--use-service-account-credentials=false")
	case "kube-scheduler":
		return l.controllerArgs(c, c.schedPort)
	case "kwok":
		return []string{
			"--config", filepath.Join(l.opts.dir, "kwok-stages.yaml"),
			"--kubeconfig", filepath.Join(c.dir, "admin.kubeconfig"),
			"--manage-all-nodes=false",
			"--manage-nodes-with-annotation-selector", "kwok.x-k8s.io/node=fake",
			"--cidr", fmt.Sprintf("10.%d.0.0/16", 10+c.index),
			"--node-ip", fmt.Sprintf("10.%d.0.1", 10+c.index),
			"--node-lease-duration-seconds", "40",
			"--server-address", fmt.Sprintf("127.0.0.1:%d", c.kwokPort),
		}
	}
	return nil
}

// controllerArgs are what the controller-manager and the scheduler share: admin credentials,
// serving on loopback with our certificate (so the health probe verifies it), no leader
// election.
func (l *launcher) controllerArgs(c *cluster, port int) []string {
	kubeconfig := filepath.Join(c.dir, "admin.kubeconfig")
	return []string{
		"--kubeconfig", kubeconfig,
		"--authentication-kubeconfig", kubeconfig,
		"--authorization-kubeconfig", kubeconfig,
		"--bind-address", "127.0.0.1",
		"--secure-port", strconv.Itoa(port),
		"--tls-cert-file", l.pkiPath("server.crt"),
		"--tls-private-key-file", l.pkiPath("server.key"),
		"--leader-elect=false",
		"--v", "1",
	}
}

var order = []string{"etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok"}

func (l *launcher) start(c *cluster, name string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if existing := c.components[name]; existing != nil {
		select {
		case <-existing.done:
		default:
			return fmt.Errorf("%s %s is already running", c.name, name)
		}
	}
	logPath := filepath.Join(c.dir, name+".log")
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	comp := &component{name: name, args: l.componentArgs(c, name), done: make(chan struct{}), log: logPath}
	comp.cmd = exec.Command(filepath.Join(l.opts.bin, name), comp.args...)
	comp.cmd.Stdout, comp.cmd.Stderr = logFile, logFile
	// Children die with the launcher even when it is killed outright.
	comp.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
	if err := comp.cmd.Start(); err != nil {
		logFile.Close()
		return fmt.Errorf("%s: cannot start %s: %v", c.name, name, err)
	}
	go func() {
		_ = comp.cmd.Wait()
		logFile.Close()
		close(comp.done)
	}()
	c.components[name] = comp
	return nil
}

// kill ends a component with SIGKILL, like a crash: no graceful shutdown, connections cut.
func (l *launcher) kill(c *cluster, name string) error {
	c.mu.Lock()
	comp := c.components[name]
	c.mu.Unlock()
	if comp == nil {
		return fmt.Errorf("%s %s was never started", c.name, name)
	}
	_ = comp.cmd.Process.Kill()
	<-comp.done
	return nil
}

func (l *launcher) stop(c *cluster, name string) error {
	c.mu.Lock()
	comp := c.components[name]
	c.mu.Unlock()
	if comp == nil {
		return fmt.Errorf("%s %s was never started", c.name, name)
	}
	select {
	case <-comp.done:
		return nil
	default:
	}
	_ = comp.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-comp.done:
	case <-time.After(10 * time.Second):
		_ = comp.cmd.Process.Kill()
		<-comp.done
	}
	return nil
}

// wait polls until ok or the component exits or the deadline passes; the error names the
// component and the tail of its log.
func (l *launcher) wait(c *cluster, name string, timeout time.Duration, ok func() bool) error {
	c.mu.Lock()
	comp := c.components[name]
	c.mu.Unlock()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if ok() {
			return nil
		}
		select {
		case <-comp.done:
			return fmt.Errorf("%s: %s exited while starting (%s): %s", c.name, name, comp.log, tail(comp.log))
		case <-time.After(200 * time.Millisecond):
		}
	}
	return fmt.Errorf("%s: %s not ready after %s (%s): %s", c.name, name, timeout, comp.log, tail(comp.log))
}

func tail(path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) > 3 {
		lines = lines[len(lines)-3:]
	}
	return strings.Join(lines, " | ")
}

func (l *launcher) httpOK(url string, token string) bool {
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		return false
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := l.client.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode == http.StatusOK
}

func (l *launcher) apiReady(c *cluster) bool {
	return l.httpOK(fmt.Sprintf("https://127.0.0.1:%d/readyz", c.apiPort), l.tokens["admin"])
}

func (l *launcher) startComponent(c *cluster, name string) error {
	if err := l.start(c, name); err != nil {
		return err
	}
	switch name {
	case "etcd":
		return l.wait(c, name, 60*time.Second, func() bool {
			return l.httpOK(fmt.Sprintf("http://127.0.0.1:%d/health", c.etcdPort), "")
		})
	case "kube-apiserver":
		return l.wait(c, name, 120*time.Second, func() bool { return l.apiReady(c) })
	case "kube-controller-manager":
		return l.wait(c, name, 60*time.Second, func() bool {
			return l.httpOK(fmt.Sprintf("https://127.0.0.1:%d/healthz", c.kcmPort), l.tokens["admin"])
		})
	case "kube-scheduler":
		return l.wait(c, name, 60*time.Second, func() bool {
			return l.httpOK(fmt.Sprintf("https://127.0.0.1:%d/healthz", c.schedPort), l.tokens["admin"])
		})
	case "kwok":
		return l.wait(c, name, 60*time.Second, func() bool {
			return l.httpOK(fmt.Sprintf("http://127.0.0.1:%d/healthz", c.kwokPort), "")
		})
	}
	return nil
}

func (l *launcher) startCluster(c *cluster) error {
	for _, name := range order {
		if err := l.startComponent(c, name); err != nil {
			return err
		}
	}
	if err := l.kubectl(c, "apply", "-f", "-").stdin(l.nodesManifest(c)).run(); err != nil {
		return err
	}
	if l.opts.fleet != "" {
		return l.applyFleet(c)
	}
	return nil
}

func manifestsIn(dir string) []string {
	var files []string
	for _, pattern := range []string{"*.yaml", "*.json"} {
		found, _ := filepath.Glob(filepath.Join(dir, pattern))
		files = append(files, found...)
	}
	sort.Strings(files)
	return files
}

// applyFleet applies the fleet directory to one cluster (see --fleet).
func (l *launcher) applyFleet(c *cluster) error {
	files := manifestsIn(l.opts.fleet)
	files = append(files, manifestsIn(filepath.Join(l.opts.fleet, c.name))...)
	if len(files) == 0 {
		return fmt.Errorf("no manifests in %s", l.opts.fleet)
	}
	for _, file := range files {
		if err := l.kubectl(c, "apply", "--server-side", "-f", file).run(); err != nil {
			return err
		}
		// Custom resources need their definitions established before the next file.
		if raw, _ := os.ReadFile(file); bytes.Contains(raw, []byte("kind: CustomResourceDefinition")) {
			if err := l.kubectl(c, "wait", "--for=condition=established", "--timeout=60s", "crd", "--all").run(); err != nil {
				return err
			}
		}
	}
	for _, file := range manifestsIn(filepath.Join(l.opts.fleet, "revisions")) {
		if err := l.kubectl(c, "apply", "--server-side", "-f", file).run(); err != nil {
			return err
		}
		if err := l.kubectl(c, "rollout", "status", "--timeout=120s", "-f", file).run(); err != nil {
			return err
		}
	}
	for _, file := range manifestsIn(filepath.Join(l.opts.fleet, "status")) {
		raw, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		var object struct {
			Status json.RawMessage `json:"status"`
		}
		if err := json.Unmarshal(raw, &object); err != nil || len(object.Status) == 0 {
			return fmt.Errorf("%s: expected a JSON object with a status (%v)", file, err)
		}
		patch := fmt.Sprintf(`{"status":%s}`, object.Status)
		if err := l.kubectl(c, "patch", "-f", file, "--subresource=status", "--type=merge", "-p", patch).run(); err != nil {
			return err
		}
	}
	return nil
}

func (l *launcher) nodesManifest(c *cluster) string {
	var b strings.Builder
	for i := 0; i < l.opts.nodes; i++ {
		fmt.Fprintf(&b, `---
apiVersion: v1
kind: Node
metadata:
  name: %s-node-%d
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
  labels:
    type: kwok
    kubernetes.io/hostname: %s-node-%d
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    topology.kubernetes.io/region: %s
    topology.kubernetes.io/zone: %s%c
status:
  allocatable:
    cpu: "32"
    memory: 256Gi
    pods: "110"
  capacity:
    cpu: "32"
    memory: 256Gi
    pods: "110"
`, c.name, i, c.name, i, c.name, c.name, 'a'+rune(i%3))
	}
	return b.String()
}

type kubectlRun struct {
	cmd  *exec.Cmd
	desc string
}

func (l *launcher) kubectl(c *cluster, args ...string) *kubectlRun {
	full := append([]string{"--kubeconfig", filepath.Join(l.opts.dir, "kubeconfig"), "--context", c.name}, args...)
	cmd := exec.Command(l.opts.kubectl, full...)
	return &kubectlRun{cmd: cmd, desc: c.name + ": kubectl " + strings.Join(args, " ")}
}

func (k *kubectlRun) stdin(s string) *kubectlRun {
	k.cmd.Stdin = strings.NewReader(s)
	return k
}

func (k *kubectlRun) run() error {
	var out bytes.Buffer
	k.cmd.Stdout, k.cmd.Stderr = &out, &out
	if err := k.cmd.Run(); err != nil {
		return fmt.Errorf("%s failed (%v): %s", k.desc, err, strings.TrimSpace(out.String()))
	}
	return nil
}

func (l *launcher) find(name string) *cluster {
	for _, c := range l.clusters {
		if c.name == name {
			return c
		}
	}
	return nil
}

// control answers one line per command: "ok ..." or "error ...".
func (l *launcher) control(in io.Reader, out io.Writer) {
	scanner := bufio.NewScanner(in)
	for scanner.Scan() {
		fields := strings.Fields(scanner.Text())
		if len(fields) == 0 {
			continue
		}
		reply := l.command(fields)
		fmt.Fprintln(out, reply)
		if fields[0] == "quit" {
			return
		}
	}
}

func (l *launcher) command(fields []string) string {
	known := func(name string) bool {
		for _, n := range order {
			if n == name {
				return true
			}
		}
		return false
	}
	switch {
	case fields[0] == "quit":
		return "ok quit"
	case (fields[0] == "stop" || fields[0] == "kill" || fields[0] == "start") && len(fields) == 3:
		c := l.find(fields[1])
		if c == nil {
			return "error no cluster " + fields[1]
		}
		if !known(fields[2]) {
			return "error no component " + fields[2] + " (one of " + strings.Join(order, ", ") + ")"
		}
		var err error
		switch fields[0] {
		case "stop":
			err = l.stop(c, fields[2])
		case "kill":
			err = l.kill(c, fields[2])
		default:
			err = l.startComponent(c, fields[2])
		}
		if err != nil {
			return "error " + strings.ReplaceAll(err.Error(), "\n", " ")
		}
		return "ok " + strings.Join(fields, " ")
	case fields[0] == "compact" && len(fields) == 2:
		c := l.find(fields[1])
		if c == nil {
			return "error no cluster " + fields[1]
		}
		revision, err := l.compact(c)
		if err != nil {
			return "error " + err.Error()
		}
		return fmt.Sprintf("ok compact %s %d", c.name, revision)
	case fields[0] == "ports" && len(fields) == 2:
		c := l.find(fields[1])
		if c == nil {
			return "error no cluster " + fields[1]
		}
		return fmt.Sprintf("ok ports %s apiserver=%d etcd=%d", c.name, c.apiPort, c.etcdPort)
	}
	return "error unknown command (stop|kill|start CLUSTER COMPONENT, compact CLUSTER, ports CLUSTER, quit)"
}

// compact compacts etcd up to its current revision through etcd's JSON gateway, so watches
// from any older resourceVersion get 410 Gone.
func (l *launcher) compact(c *cluster) (int64, error) {
	base := fmt.Sprintf("http://127.0.0.1:%d/v3/kv/", c.etcdPort)
	post := func(path string, body any) (map[string]any, error) {
		data, _ := json.Marshal(body)
		resp, err := l.client.Post(base+path, "application/json", bytes.NewReader(data))
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		var out map[string]any
		raw, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("etcd %s: %s: %s", path, resp.Status, strings.TrimSpace(string(raw)))
		}
		if err := json.Unmarshal(raw, &out); err != nil {
			return nil, fmt.Errorf("etcd %s: %v", path, err)
		}
		return out, nil
	}
	ranged, err := post("range", map[string]any{"key": base64.StdEncoding.EncodeToString([]byte("/")), "limit": 1})
	if err != nil {
		return 0, err
	}
	header, _ := ranged["header"].(map[string]any)
	revision, err := strconv.ParseInt(fmt.Sprint(header["revision"]), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("etcd range: no revision in %v", ranged)
	}
	if _, err := post("compaction", map[string]any{"revision": strconv.FormatInt(revision, 10), "physical": true}); err != nil {
		return 0, err
	}
	return revision, nil
}

func (l *launcher) shutdown() {
	var wg sync.WaitGroup
	for _, c := range l.clusters {
		wg.Add(1)
		go func(c *cluster) {
			defer wg.Done()
			for i := len(order) - 1; i >= 0; i-- {
				_ = l.stop(c, order[i])
			}
		}(c)
	}
	wg.Wait()
	if l.opts.removeDir {
		_ = os.RemoveAll(l.opts.dir)
	}
}
