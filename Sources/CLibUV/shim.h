#ifndef CONNECT_MOCK_CLIBUV_SHIM_H
#define CONNECT_MOCK_CLIBUV_SHIM_H
#include <uv.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#endif
