/*
 * Open-loop HTTP/1.1 load over mutual TLS, for bench/keys.ts (which builds it on demand with
 * `cc -O2 bench/loadgen.c -lssl -lcrypto`).
 *
 * Why C: the generator shares the 2 cores with the server it measures. The Node generator spends
 * about twice this one's CPU per request (140-210 µs against 80-100 here), and its own event-loop
 * delays show up as latency. This one sends pre-built requests over a pool of keep-alive TLS connections from one
 * epoll loop, sleeps in epoll_wait on a timerfd armed at the next due time, and reads only the
 * status line and content-length of each answer.
 *
 * Open loop, as the Node generator: request i is due at start + i/rate and its latency counts from
 * that moment (no coordinated omission); a request due while every connection is busy waits in a
 * queue, and that wait counts.
 *
 *   loadgen --port P --ca F --cert F --key F --servername S --rate R --connections C
 *           --requests F --total N --out F
 *
 * --requests: a u32 count, then count × (u32 length, bytes), little-endian; with one request it is
 * sent N times, else request i is sent once. --out: N float64 latencies in ms, in request order.
 * stdout: one JSON line {"elapsed_s","statuses","late_p99_ms","late_max_ms","cpu_ms"}.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define BUF_BYTES 65536

typedef struct {
  int fd;
  SSL *ssl;
  long current; /* the request in flight, or -1 */
  size_t have;
  char buf[BUF_BYTES];
} conn_t;

static void die(const char *what) {
  fprintf(stderr, "loadgen: %s\n", what);
  ERR_print_errors_fp(stderr);
  exit(2);
}

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static const char *arg(int argc, char **argv, const char *name) {
  for (int i = 1; i + 1 < argc; i++)
    if (!strcmp(argv[i], name)) return argv[i + 1];
  fprintf(stderr, "loadgen: %s is required\n", name);
  exit(2);
}

/* The requests file: a u32 count, then count × (u32 length, bytes). */
static char **read_requests(const char *path, uint32_t *count, uint32_t **lengths) {
  FILE *f = fopen(path, "rb");
  if (!f) die("cannot open --requests");
  if (fread(count, 4, 1, f) != 1 || *count == 0) die("--requests: no count");
  char **reqs = calloc(*count, sizeof *reqs);
  *lengths = calloc(*count, sizeof **lengths);
  if (!reqs || !*lengths) die("out of memory");
  for (uint32_t i = 0; i < *count; i++) {
    uint32_t n;
    if (fread(&n, 4, 1, f) != 1 || n == 0 || n > BUF_BYTES) die("--requests: bad length");
    reqs[i] = malloc(n);
    if (!reqs[i] || fread(reqs[i], 1, n, f) != n) die("--requests: short file");
    (*lengths)[i] = n;
  }
  fclose(f);
  return reqs;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  const int port = atoi(arg(argc, argv, "--port"));
  const double rate = atof(arg(argc, argv, "--rate"));
  const int nconn = atoi(arg(argc, argv, "--connections"));
  const long total = atol(arg(argc, argv, "--total"));
  const char *servername = arg(argc, argv, "--servername");
  if (port <= 0 || rate <= 0 || nconn <= 0 || total <= 0) die("--port, --rate, --connections and --total must be positive");
  uint32_t nreq, *lengths;
  char **reqs = read_requests(arg(argc, argv, "--requests"), &nreq, &lengths);
  if (nreq != 1 && nreq != (uint32_t)total) die("--requests must hold one request or --total of them");

  SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
  if (!ctx || !SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION)) die("TLS context");
  if (SSL_CTX_load_verify_locations(ctx, arg(argc, argv, "--ca"), NULL) != 1) die("cannot load --ca");
  if (SSL_CTX_use_certificate_chain_file(ctx, arg(argc, argv, "--cert")) != 1) die("cannot load --cert");
  if (SSL_CTX_use_PrivateKey_file(ctx, arg(argc, argv, "--key"), SSL_FILETYPE_PEM) != 1) die("cannot load --key");
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);

  /* connect and handshake every connection before the clock starts (blocking), then go non-blocking */
  conn_t *conns = calloc((size_t)nconn, sizeof *conns);
  conn_t **idle = calloc((size_t)nconn, sizeof *idle);
  long *waiting = calloc((size_t)total, sizeof *waiting);
  double *lat = calloc((size_t)total, sizeof *lat), *late = calloc((size_t)total, sizeof *late);
  if (!conns || !idle || !waiting || !lat || !late) die("out of memory");
  int nidle = 0;
  const int ep = epoll_create1(0);
  for (int i = 0; i < nconn; i++) {
    conn_t *c = &conns[i];
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    c->fd = socket(AF_INET, SOCK_STREAM, 0);
    if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&sa, sizeof sa) != 0) die("cannot connect");
    const int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    c->ssl = SSL_new(ctx);
    if (!c->ssl || !SSL_set_tlsext_host_name(c->ssl, servername) || !SSL_set1_host(c->ssl, servername)) die("TLS session");
    SSL_set_fd(c->ssl, c->fd);
    if (SSL_connect(c->ssl) != 1) die("TLS handshake failed");
    fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK);
    struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };
    if (epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev) != 0) die("epoll_ctl");
    c->current = -1;
    idle[nidle++] = c;
  }
  const int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
  struct epoll_event tev = { .events = EPOLLIN, .data.ptr = NULL };
  if (tfd < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &tev) != 0) die("timerfd");

  long statuses[600] = { 0 };
  long next = 0, done = 0, whead = 0, wtail = 0;
  const double start = now_ms() + 20, step = 1000.0 / rate;
#define DUE(i) (start + (double)(i) * step)
  struct rusage ru0;
  getrusage(RUSAGE_SELF, &ru0);

  for (;;) {
    /* send everything due, each on an idle connection, or queue it */
    const double now = now_ms();
    for (; next < total && DUE(next) <= now; next++) waiting[wtail++] = next;
    while (whead < wtail && nidle > 0) {
      conn_t *c = idle[--nidle];
      const long i = waiting[whead++];
      const uint32_t k = nreq == 1 ? 0 : (uint32_t)i;
      c->current = i;
      late[i] = now_ms() - DUE(i);
      if (SSL_write(c->ssl, reqs[k], (int)lengths[k]) != (int)lengths[k]) die("SSL_write did not take the whole request");
    }
    if (done == total) break;
    if (next < total) {
      /* wake at the next due time */
      const double due = DUE(next);
      struct itimerspec its = { 0 };
      its.it_value.tv_sec = (time_t)(due / 1e3);
      its.it_value.tv_nsec = (long)((due - (double)its.it_value.tv_sec * 1e3) * 1e6);
      if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0) its.it_value.tv_nsec = 1;
      timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, NULL);
    }
    struct epoll_event evs[64];
    const int n = epoll_wait(ep, evs, 64, -1);
    if (n < 0 && errno != EINTR) die("epoll_wait");
    for (int e = 0; e < n; e++) {
      conn_t *c = evs[e].data.ptr;
      if (!c) {
        uint64_t ticks;
        if (read(tfd, &ticks, sizeof ticks) < 0 && errno != EAGAIN) die("timerfd read");
        continue;
      }
      for (;;) {
        if (c->have == BUF_BYTES) die("an answer larger than the buffer");
        const int r = SSL_read(c->ssl, c->buf + c->have, (int)(BUF_BYTES - c->have));
        if (r <= 0) {
          const int err = SSL_get_error(c->ssl, r);
          if (err == SSL_ERROR_WANT_READ) break;
          die("the server closed a connection or TLS failed");
        }
        c->have += (size_t)r;
        /* every whole answer in the buffer: status line, headers, content-length bytes of body */
        for (;;) {
          char *end = memmem(c->buf, c->have, "\r\n\r\n", 4);
          if (!end) break;
          size_t head = (size_t)(end - c->buf), body = 0;
          for (char *h = memmem(c->buf, head, "\r\n", 2); h; h = memmem(h, (size_t)(end - h), "\r\n", 2)) {
            h += 2;
            if ((size_t)(end - h) > 15 && !strncasecmp(h, "content-length:", 15)) body = strtoul(h + 15, NULL, 10);
          }
          const size_t whole = head + 4 + body;
          if (c->have < whole) break;
          if (c->current < 0) die("an answer nobody asked for");
          const int status = head >= 12 ? atoi(c->buf + 9) : 0;
          statuses[status >= 0 && status < 600 ? status : 0]++;
          lat[c->current] = now_ms() - DUE(c->current);
          c->current = -1;
          done++;
          memmove(c->buf, c->buf + whole, c->have - whole);
          c->have -= whole;
          idle[nidle++] = c;
        }
      }
    }
  }
  const double elapsed = (now_ms() - start) / 1e3;
  struct rusage ru1;
  getrusage(RUSAGE_SELF, &ru1);
  const double cpu = (double)(ru1.ru_utime.tv_sec - ru0.ru_utime.tv_sec + ru1.ru_stime.tv_sec - ru0.ru_stime.tv_sec) * 1e3
                   + (double)(ru1.ru_utime.tv_usec - ru0.ru_utime.tv_usec + ru1.ru_stime.tv_usec - ru0.ru_stime.tv_usec) / 1e3;

  FILE *out = fopen(arg(argc, argv, "--out"), "wb");
  if (!out || fwrite(lat, sizeof *lat, (size_t)total, out) != (size_t)total || fclose(out) != 0) die("cannot write --out");
  qsort(late, (size_t)total, sizeof *late, cmp_double);
  printf("{\"elapsed_s\":%.6f,\"late_p99_ms\":%.4f,\"late_max_ms\":%.4f,\"cpu_ms\":%.1f,\"statuses\":{", elapsed,
         late[(size_t)(0.99 * (double)total)], late[total - 1], cpu);
  int first = 1;
  for (int s = 0; s < 600; s++)
    if (statuses[s]) { printf("%s\"%d\":%ld", first ? "" : ",", s, statuses[s]); first = 0; }
  printf("}}\n");
  for (int i = 0; i < nconn; i++) { SSL_free(conns[i].ssl); close(conns[i].fd); }
  SSL_CTX_free(ctx);
  return 0;
}
