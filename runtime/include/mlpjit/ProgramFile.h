//===- ProgramFile.h - an MlpProgram as one JSON file ---------------------===//
//
// Lets a program compiled once (by the tools) be loaded by an application
// that links only the runtime: the block's shape plus, per kernel, its
// KernelDesc ("desc", KernelDesc.h's JSON mapping) and the PTX as a string.
// The block's field names are the MlpProgram member names; errors name the
// path of the offending field (e.g. program.kernels[0].desc.tileM).
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
/// Parses programToJson's output; errors name the offending field's path.
llvm::Expected<MlpProgram> programFromJson(llvm::StringRef json);

llvm::Error writeProgramFile(const MlpProgram &program, llvm::StringRef path);
llvm::Expected<MlpProgram> readProgramFile(llvm::StringRef path);

} // namespace mlpjit

#endif // MLPJIT_PROGRAMFILE_H
