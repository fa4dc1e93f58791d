//===- Ptxas.cpp - resource reports from ptxas, SASS from cuobjdump -------===//
#include "mlpjit/Codegen/Nvrtc.h"
#include "mlpjit/FileOutput.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/Regex.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>
#include <optional>

using namespace mlpjit;
using namespace mlpjit::codegen;
namespace fs = llvm::sys::fs;

static llvm::Error toolError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

// A CUDA tool: $MLPJIT_CUDA_BIN, the build's toolkit, then PATH.
static llvm::Expected<std::string> findCudaTool(llvm::StringRef tool) {
  llvm::SmallVector<llvm::StringRef, 2> dirs;
  if (const char *dir = std::getenv("MLPJIT_CUDA_BIN"); dir && *dir)
    dirs.push_back(dir);
  dirs.push_back(MLPJIT_CUDA_BIN_DIR);
  if (auto found = llvm::sys::findProgramByName(tool, dirs))
    return *found;
  if (auto found = llvm::sys::findProgramByName(tool))
    return *found;
  return toolError("cannot find the CUDA tool '" + tool +
                   "' (set MLPJIT_CUDA_BIN to the toolkit's bin directory)");
}

namespace {
/// Temporary files removed on scope exit.
struct TempFiles {
  llvm::SmallVector<llvm::SmallString<128>, 4> paths;
  ~TempFiles() {
    for (auto &path : paths)
      fs::remove(path);
  }
  llvm::Expected<llvm::StringRef> create(llvm::StringRef suffix) {
    llvm::SmallString<128> path;
    if (std::error_code ec = fs::createTemporaryFile("mlpjit", suffix, path))
      return toolError("cannot create a temporary file: " + ec.message());
    paths.push_back(path);
    return llvm::StringRef(paths.back());
  }
};
} // namespace

static llvm::Error writeFile(llvm::StringRef path, llvm::StringRef contents) {
  if (llvm::Error e = writeFileAtomically(path, contents))
    return toolError(llvm::toString(std::move(e)));
  return llvm::Error::success();
}

static std::string readFileOrEmpty(llvm::StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  return buffer ? (*buffer)->getBuffer().str() : std::string();
}

// Runs `program args...`, stdout and stderr into one log.
static llvm::Expected<std::string> runTool(llvm::StringRef program,
                                           llvm::ArrayRef<llvm::StringRef> args,
                                           TempFiles &temps) {
  auto logPath = temps.create("log");
  if (!logPath)
    return logPath.takeError();
  std::optional<llvm::StringRef> redirects[] = {std::nullopt, *logPath,
                                                *logPath};
  std::string message;
  int rc = llvm::sys::ExecuteAndWait(program, args, std::nullopt, redirects,
                                     /*SecondsToWait=*/300, 0, &message);
  std::string log = readFileOrEmpty(*logPath);
  if (rc != 0)
    return toolError(llvm::sys::path::filename(program) + " failed" +
                     (message.empty() ? "" : " (" + message + ")") + ":\n" +
                     log);
  return log;
}

static int sumMatches(llvm::StringRef log, llvm::StringRef pattern) {
  llvm::Regex regex(pattern);
  int total = 0;
  llvm::SmallVector<llvm::StringRef, 2> match;
  for (llvm::StringRef rest = log; regex.match(rest, &match);) {
    int value = 0;
    if (!match[1].getAsInteger(10, value))
      total += value;
    rest = rest.substr(match[0].data() - rest.data() + match[0].size());
  }
  return total;
}

llvm::Expected<PtxasReport> codegen::runPtxas(llvm::StringRef ptx,
                                              llvm::StringRef arch) {
  auto ptxas = findCudaTool("ptxas");
  if (!ptxas)
    return ptxas.takeError();
  TempFiles temps;
  auto ptxPath = temps.create("ptx");
  auto cubinPath = temps.create("cubin");
  if (!ptxPath)
    return ptxPath.takeError();
  if (!cubinPath)
    return cubinPath.takeError();
  if (llvm::Error err = writeFile(*ptxPath, ptx))
    return err;
  std::string archFlag = ("-arch=" + arch).str();
  llvm::StringRef args[] = {*ptxas, "-v", archFlag, *ptxPath, "-o", *cubinPath};
  auto log = runTool(*ptxas, args, temps);
  if (!log)
    return log.takeError();

  // ptxas -v prints, per function:
  //   N bytes stack frame, S bytes spill stores, L bytes spill loads
  //   Used R registers, ... B bytes smem, ...
  PtxasReport report;
  report.log = *log;
  report.stackFrame = sumMatches(*log, "([0-9]+) bytes stack frame");
  report.spillStores = sumMatches(*log, "([0-9]+) bytes spill stores");
  report.spillLoads = sumMatches(*log, "([0-9]+) bytes spill loads");
  report.registers = sumMatches(*log, "Used ([0-9]+) registers");
  report.sharedBytes = sumMatches(*log, "([0-9]+) bytes smem");
  report.cubin = readFileOrEmpty(*cubinPath);
  return report;
}

llvm::Expected<std::string> codegen::disassemble(llvm::StringRef cubin) {
  auto cuobjdump = findCudaTool("cuobjdump");
  if (!cuobjdump)
    return cuobjdump.takeError();
  TempFiles temps;
  auto cubinPath = temps.create("cubin");
  if (!cubinPath)
    return cubinPath.takeError();
  if (llvm::Error err = writeFile(*cubinPath, cubin))
    return err;
  llvm::StringRef args[] = {*cuobjdump, "-sass", *cubinPath};
  return runTool(*cuobjdump, args, temps);
}
