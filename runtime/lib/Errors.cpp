//===- Errors.cpp - typed runtime errors ----------------------------------===//
#include "mlpjit/Errors.h"

char mlpjit::SentenceError::ID = 0;
char mlpjit::DriverError::ID = 0;
char mlpjit::WorkspaceError::ID = 0;
