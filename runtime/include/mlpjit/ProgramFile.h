//===- ProgramFile.h - an MlpProgram as one JSON file ---------------------===//
//
// Lets a program compiled once (by the tools) be loaded by an application
// that links only the runtime: the block's shape plus, per kernel, every
// KernelDesc field and the PTX as a string. Field names are the
// KernelDesc/MlpProgram member names; enums are written with toString.
//
//===----------------------------------------------------------------------===//
#ifndef MLPJIT_PROGRAMFILE_H
#define MLPJIT_PROGRAMFILE_H

#include "mlpjit/MlpProgram.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>

namespace mlpjit {

std::string programToJson(const MlpProgram &program);
/// Parses programToJson's output; errors name the offending field.
llvm::Expected<MlpProgram> programFromJson(llvm::StringRef json);

llvm::Error writeProgramFile(const MlpProgram &program, llvm::StringRef path);
llvm::Expected<MlpProgram> readProgramFile(llvm::StringRef path);

} // namespace mlpjit

#endif // MLPJIT_PROGRAMFILE_H
