#ifndef CONNECT_MOCK_CSQLITE_SHIM_H
#define CONNECT_MOCK_CSQLITE_SHIM_H
#include <sqlite3.h>
#endif
