#ifndef CONNECT_MOCK_CLIBUV_SHIM_H
#define CONNECT_MOCK_CLIBUV_SHIM_H
#include <uv.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sched.h>

/* glibc declares these only under _GNU_SOURCE, which Swift's Glibc module is built without;
   the Server module pins worker threads with them (server.pinWorkers). */
int sched_getaffinity(pid_t pid, size_t cpusetsize, cpu_set_t *mask);
int sched_setaffinity(pid_t pid, size_t cpusetsize, const cpu_set_t *mask);
#endif
