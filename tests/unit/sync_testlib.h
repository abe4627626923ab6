/* sync_testlib.h - a real fieldflow-server ($FF_SERVER) for the client's tests: started on a
 * free loopback port with its own data dir (self-signed TLS, embedded SQLite), stopped with
 * SIGTERM or kill -9, restarted on the same port; enrolment codes through its command line.
 * Single-threaded tests only (static buffers). test_server_available: whether $FF_SERVER names
 * a built server (else test_server_missing fails the test); start: false on failure (data
 * dir under the test's tmpdir on the first start, the same port after); stop: SIGTERM and
 * wait, or (hard) SIGKILL; code: a one-time desk enrolment code (static buffer) or NULL.
 */
#ifndef FF_SYNC_TESTLIB_H
#define FF_SYNC_TESTLIB_H

#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

struct test_server {
    char data[512];   /* --data DIR */
    char db[600];     /* --db sqlite:DIR/server.db */
    char url[256];    /* https://127.0.0.1:PORT */
    char listen[256]; /* 127.0.0.1:PORT once known ("127.0.0.1:0" before the first start) */
    char pin[256];    /* sha256//... */
    char log[512];    /* the server's stderr (JSON logs) */
    pid_t pid;        /* 0 when stopped */
};

static inline bool test_server_available(void)
{
    const char *p = getenv("FF_SERVER");
    return p && p[0] && access(p, X_OK) == 0;
}

/* Runs argv with stdout on a pipe; returns the read end (and *pid), -1 on failure. */
/* True (and a recorded failure) when $FF_SERVER is not a built server: the tests that need
 * one cannot run, and that is never a pass. */
static inline bool test_server_missing(void)
{
    bool ok = test_server_available();
    CHECK_MSG(ok, "FF_SERVER is not a built fieldflow-server");
    return !ok;
}

static inline int spawn(char *const argv[], const char *log, pid_t *pid)
{
    int fd[2];
    if (pipe(fd))
        return -1;
    *pid = fork();
    if (*pid < 0)
        return -1;
    if (*pid == 0) {
        dup2(fd[1], 1);
        close(fd[0]);
        close(fd[1]);
        if (log) {
            int l = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
            if (l >= 0)
                dup2(l, 2);
        }
        execv(argv[0], argv);
        _exit(127);
    }
    close(fd[1]);
    return fd[0];
}

/* One line of output into buf (no "\n"); false at EOF. */
static inline bool read_line(FILE *f, char *buf, size_t len)
{
    if (!fgets(buf, (int)len, f))
        return false;
    buf[strcspn(buf, "\n")] = '\0';
    return true;
}

static inline void test_server_stop(struct test_server *s, bool hard)
{
    if (s->pid <= 0)
        return;
    kill(s->pid, hard ? SIGKILL : SIGTERM);
    waitpid(s->pid, NULL, 0);
    s->pid = 0;
}

static inline bool test_server_start(struct test_server *s)
{
    if (!s->data[0]) {
        snprintf(s->data, sizeof s->data, "%s/server", ff_test_tmpdir());
        snprintf(s->db, sizeof s->db, "sqlite:%s/server.db", s->data);
        snprintf(s->listen, sizeof s->listen, "127.0.0.1:0");
        snprintf(s->log, sizeof s->log, "%s/server.log", ff_test_tmpdir());
    }
    char *argv[] = {getenv("FF_SERVER"),
                    "serve",
                    "--listen",
                    s->listen,
                    "--data",
                    s->data,
                    "--db",
                    s->db,
                    NULL};
    int fd = spawn(argv, s->log, &s->pid);
    if (fd < 0)
        return false;
    FILE *f = fdopen(fd, "r");
    char l1[256] = "", l2[256] = "";
    bool ok = f && read_line(f, l1, sizeof l1) && read_line(f, l2, sizeof l2) &&
              !strncmp(l1, "listening https://", 18) && !strncmp(l2, "pin sha256//", 12);
    if (f)
        fclose(f); /* the server's later stdout writes go nowhere: it logs on stderr */
    if (!ok) {
        fprintf(stderr, "server did not start: '%s' '%s'\n", l1, l2);
        test_server_stop(s, true);
        return false;
    }
    snprintf(s->url, sizeof s->url, "%s", l1 + 10);
    snprintf(s->listen, sizeof s->listen, "%s", l1 + 18);
    snprintf(s->pin, sizeof s->pin, "%s", l2 + 4);
    return true;
}

/* Runs the server's admin command argv and returns its first output line. */
static inline const char *admin(char *const argv[])
{
    static char line[256];
    pid_t pid;
    int fd = spawn(argv, NULL, &pid);
    if (fd < 0)
        return NULL;
    FILE *f = fdopen(fd, "r");
    bool ok = f && read_line(f, line, sizeof line);
    if (f)
        fclose(f);
    int status = 0;
    waitpid(pid, &status, 0);
    return ok && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? line : NULL;
}

static inline const char *test_server_code(struct test_server *s)
{
    char *argv[] = {getenv("FF_SERVER"), "enrol-code", "--db", s->db, "--kind", "desk", NULL};
    return admin(argv);
}

static inline bool test_server_revoke(struct test_server *s, const char *device)
{
    char *argv[] = {getenv("FF_SERVER"), "revoke", "--db", s->db, (char *)device, NULL};
    pid_t pid;
    int fd = spawn(argv, NULL, &pid);
    if (fd < 0)
        return false;
    char buf[256];
    while (read(fd, buf, sizeof buf) > 0) /* drain: a closed pipe would kill it */
        ;
    close(fd);
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

#endif
