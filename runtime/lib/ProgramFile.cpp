//===- ProgramFile.cpp ----------------------------------------------------===//
#include "mlpjit/ProgramFile.h"
#include "mlpjit/FileOutput.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>

using namespace mlpjit;

static llvm::Error fileError(const llvm::Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "mlpjit program file: " + msg);
}

namespace {
constexpr llvm::StringLiteral kFormat = "mlpjit-program-1";
} // namespace

namespace mlpjit {
static llvm::json::Value toJSON(const KernelArtifact &k) {
  return llvm::json::Object{{"desc", k.desc}, {"ptx", k.ptx}};
}
static bool fromJSON(const llvm::json::Value &v, KernelArtifact &k,
                     llvm::json::Path p) {
  llvm::json::ObjectMapper o(v, p);
  return o && o.map("desc", k.desc) && o.map("ptx", k.ptx);
}
static bool fromJSON(const llvm::json::Value &v, MlpProgram &p,
                     llvm::json::Path path) {
  llvm::json::ObjectMapper o(v, path);
  if (!(o && o.map("name", p.name) && o.map("hidden", p.hidden) &&
        o.map("intermediate", p.intermediate) && o.map("dtype", p.dtype) &&
        o.map("epilogue", p.epilogue) && o.map("hasBias", p.hasBias) &&
        o.map("interleaveRows", p.interleaveRows) &&
        o.map("tokensMin", p.tokensMin) && o.map("tokensMax", p.tokensMax) &&
        o.map("kernels", p.kernels)))
    return false;
  // Optional: files written before tensor parallelism hold whole blocks.
  if (const llvm::json::Value *tp = v.getAsObject()->get("tensorParallel")) {
    static_assert(MlpProgram::kMaxTensorParallel == 1024, "update the message");
    std::optional<int64_t> ways = tp->getAsInteger();
    if (!ways || *ways < 1 || *ways > MlpProgram::kMaxTensorParallel) {
      path.field("tensorParallel").report("expected an integer in [1, 1024]");
      return false;
    }
    p.tensorParallel = *ways;
  }
  return true;
}
} // namespace mlpjit

std::string mlpjit::programToJson(const MlpProgram &p) {
  llvm::json::Object root{{"format", kFormat},
                          {"name", p.name},
                          {"hidden", p.hidden},
                          {"intermediate", p.intermediate},
                          {"dtype", p.dtype},
                          {"epilogue", p.epilogue},
                          {"hasBias", p.hasBias},
                          {"interleaveRows", p.interleaveRows},
                          {"tokensMin", p.tokensMin},
                          {"tokensMax", p.tokensMax},
                          {"tensorParallel", p.tensorParallel},
                          {"kernels", p.kernels}};
  std::string out;
  llvm::raw_string_ostream os(out);
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(root)));
  return out;
}

llvm::Expected<MlpProgram> mlpjit::programFromJson(llvm::StringRef json) {
  llvm::Expected<llvm::json::Value> value = llvm::json::parse(json);
  if (!value)
    return fileError("not JSON: " + llvm::toString(value.takeError()));
  const llvm::json::Object *root = value->getAsObject();
  if (!root || root->getString("format") != kFormat)
    return fileError("not an mlpjit program (format " + kFormat + ")");
  MlpProgram p;
  llvm::json::Path::Root path("program");
  if (!fromJSON(*value, p, path))
    return fileError(llvm::toString(path.getError()));
  return p;
}

llvm::Error mlpjit::writeProgramFile(const MlpProgram &program,
                                     llvm::StringRef path) {
  if (llvm::Error e = writeFileAtomically(path, [&](llvm::raw_ostream &os) {
        os << programToJson(program) << "\n";
      }))
    return fileError(llvm::toString(std::move(e)));
  return llvm::Error::success();
}

llvm::Expected<MlpProgram> mlpjit::readProgramFile(llvm::StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer)
    return fileError("cannot read " + path + ": " +
                     buffer.getError().message());
  auto program = programFromJson((*buffer)->getBuffer());
  if (!program)
    return fileError(path + ": " + llvm::toString(program.takeError()));
  return program;
}
