//===- ProgramFile.h - an MlpProgram as one JSON file ---------------------===//
//
// Lets a program compiled once (by the tools) be loaded by an application
// that links only the runtime: the block's shape plus, per kernel, its
// KernelDesc ("desc", KernelDesc.h's JSON mapping), the PTX as a string and,
// when compiled ahead of time, the cubin in base64 ("cubin"). A kernel that
// shares its name with an earlier one (token ranges planned alike share a
// kernel) is written without code and takes that kernel's on reading.
//
// An artifact (mlpjit-compile's output, format mlpjit-artifact-4) holds the
// programs of every block of a spec, one per block and target arch, in the
// same per-program form; its loader picks the variant that runs on the GPU.
// The block's field names are the MlpProgram member names; errors name the
// path of the offending field (e.g. program.kernels[0].desc.tileM).
//
//===----------------------------------------------------------------------===//
#ifndef MLPJIT_PROGRAMFILE_H
#define MLPJIT_PROGRAMFILE_H

#include "mlpjit/MlpProgram.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace mlpjit {

std::string programToJson(const MlpProgram &program);
/// Parses programToJson's output; errors name the offending field's path.
llvm::Expected<MlpProgram> programFromJson(llvm::StringRef json);

llvm::Error writeProgramFile(const MlpProgram &program, llvm::StringRef path);
llvm::Expected<MlpProgram> readProgramFile(llvm::StringRef path);

/// Format mlpjit-artifact-3: the mlpjit version that wrote it, the target
/// archs, and the programs (each as in a program file, without "format").
std::string artifactToJson(llvm::ArrayRef<MlpProgram> programs);
/// Parses an artifact, or a single program file as a one-program artifact.
llvm::Expected<std::vector<MlpProgram>> artifactFromJson(llvm::StringRef json);
llvm::Error writeArtifactFile(llvm::ArrayRef<MlpProgram> programs,
                              llvm::StringRef path);
llvm::Expected<std::vector<MlpProgram>> readArtifactFile(llvm::StringRef path);

} // namespace mlpjit

#endif // MLPJIT_PROGRAMFILE_H
