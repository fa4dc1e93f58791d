//===- ProgramFile.cpp ----------------------------------------------------===//
#include "mlpjit/ProgramFile.h"
#include "mlpjit/FileOutput.h"

#include "mlpjit/Version.h"

#include "llvm/ADT/SetVector.h"
#include "llvm/Support/Base64.h"
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
// -4: a kernel that shares its name with an earlier one (token ranges
// planned alike, collectKernels) has no PTX or cubin of its own; -3 files,
// whose kernels take the same parameters, still load. -3: the kernels take
// kernel_abi.h's GemmParams with nextCounters (a gate-up kernel zeroes its
// down GEMM's split-K counters); -2 kernels read m, n, k at other offsets
// and leave the counters as they are, -1 kernels have no tmaD either.
constexpr llvm::StringLiteral kFormat = "mlpjit-program-4";
constexpr llvm::StringLiteral kArtifactFormat = "mlpjit-artifact-4";
constexpr llvm::StringLiteral kFormat3 = "mlpjit-program-3";
constexpr llvm::StringLiteral kArtifactFormat3 = "mlpjit-artifact-3";

/// The error for a file of an older format, or success.
llvm::Error checkNotOlderFormat(std::optional<llvm::StringRef> format) {
  if (format && llvm::is_contained({"mlpjit-program-1", "mlpjit-artifact-1",
                                    "mlpjit-program-2", "mlpjit-artifact-2"},
                                   *format))
    return fileError("format " + *format +
                     " was written by an older mlpjit whose kernels take "
                     "another parameter layout; compile it again (format " +
                     kFormat + " / " + kArtifactFormat + ")");
  return llvm::Error::success();
}
} // namespace

namespace mlpjit {
static llvm::json::Value toJSON(const KernelArtifact &k) {
  llvm::json::Object o{{"desc", k.desc}, {"ptx", k.ptx}};
  if (!k.cubin.empty())
    o["cubin"] = llvm::encodeBase64(k.cubin);
  return o;
}
static bool fromJSON(const llvm::json::Value &v, KernelArtifact &k,
                     llvm::json::Path p) {
  llvm::json::ObjectMapper o(v, p);
  std::optional<std::string> cubin;
  if (!(o && o.map("desc", k.desc) && o.mapOptional("ptx", k.ptx) &&
        o.map("cubin", cubin)))
    return false;
  if (cubin) {
    std::vector<char> bytes;
    if (llvm::Error e = llvm::decodeBase64(*cubin, bytes)) {
      p.field("cubin").report("invalid base64");
      llvm::consumeError(std::move(e));
      return false;
    }
    k.cubin.assign(bytes.begin(), bytes.end());
  }
  return true;
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
  // A kernel without code takes the code of the first of its name (one
  // with none is left for validateProgram to refuse).
  const std::vector<size_t> first = p.firstOfEachName();
  llvm::json::Path kernels = path.field("kernels");
  for (size_t i = 0; i < p.kernels.size(); ++i) {
    KernelArtifact &k = p.kernels[i];
    if (first[i] == i || !k.ptx.empty() || !k.cubin.empty())
      continue;
    const KernelArtifact &from = p.kernels[first[i]];
    if (!from.desc.sameKernel(k.desc)) {
      kernels.index(i).report(
          "shares its name with an earlier kernel of another plan");
      return false;
    }
    k.ptx = from.ptx;
    k.cubin = from.cubin;
  }
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

/// The kernels with each kernel's code once: a later kernel of the same
/// name and code is written without it.
static llvm::json::Array kernelsArray(const MlpProgram &p) {
  llvm::json::Array out;
  const std::vector<size_t> first = p.firstOfEachName();
  for (size_t i = 0; i < p.kernels.size(); ++i) {
    const KernelArtifact &k = p.kernels[i];
    if (first[i] < i && p.kernels[first[i]].sameKernelAndCode(k))
      out.push_back(llvm::json::Object{{"desc", k.desc}});
    else
      out.push_back(k);
  }
  return out;
}

static llvm::json::Object programObject(const MlpProgram &p) {
  return llvm::json::Object{{"name", p.name},
                            {"hidden", p.hidden},
                            {"intermediate", p.intermediate},
                            {"dtype", p.dtype},
                            {"epilogue", p.epilogue},
                            {"hasBias", p.hasBias},
                            {"interleaveRows", p.interleaveRows},
                            {"tokensMin", p.tokensMin},
                            {"tokensMax", p.tokensMax},
                            {"tensorParallel", p.tensorParallel},
                            {"kernels", kernelsArray(p)}};
}

std::string mlpjit::programToJson(const MlpProgram &p) {
  llvm::json::Object root = programObject(p);
  root["format"] = kFormat;
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
  if (root)
    if (llvm::Error e = checkNotOlderFormat(root->getString("format")))
      return e;
  std::optional<llvm::StringRef> format =
      root ? root->getString("format") : std::nullopt;
  if (format != kFormat && format != kFormat3)
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

std::string mlpjit::artifactToJson(llvm::ArrayRef<MlpProgram> programs) {
  llvm::SetVector<llvm::StringRef> archs;
  llvm::json::Array list;
  for (const MlpProgram &p : programs) {
    for (const KernelArtifact &k : p.kernels)
      archs.insert(k.desc.arch);
    list.push_back(programObject(p));
  }
  llvm::json::Array archList;
  for (llvm::StringRef a : archs)
    archList.push_back(a);
  llvm::json::Object root{{"format", kArtifactFormat},
                          {"mlpjitVersion", MLPJIT_VERSION_STRING},
                          {"archs", std::move(archList)},
                          {"programs", std::move(list)}};
  std::string out;
  llvm::raw_string_ostream os(out);
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(root)));
  return out;
}

llvm::Expected<std::vector<MlpProgram>>
mlpjit::artifactFromJson(llvm::StringRef json) {
  llvm::Expected<llvm::json::Value> value = llvm::json::parse(json);
  if (!value)
    return fileError("not JSON (truncated or corrupt?): " +
                     llvm::toString(value.takeError()));
  const llvm::json::Object *root = value->getAsObject();
  std::optional<llvm::StringRef> format =
      root ? root->getString("format") : std::nullopt;
  if (llvm::Error e = checkNotOlderFormat(format))
    return e;
  if (format == kFormat || format == kFormat3) {
    auto program = programFromJson(json);
    if (!program)
      return program.takeError();
    return std::vector<MlpProgram>{std::move(*program)};
  }
  if (format != kArtifactFormat && format != kArtifactFormat3)
    return fileError("not an mlpjit artifact (format " + kArtifactFormat +
                     " or " + kFormat + ")");
  std::vector<MlpProgram> programs;
  llvm::json::Path::Root path("artifact");
  llvm::json::ObjectMapper o(*value, path);
  if (!o.map("programs", programs))
    return fileError(llvm::toString(path.getError()));
  if (programs.empty())
    return fileError("the artifact holds no programs");
  return programs;
}

llvm::Error mlpjit::writeArtifactFile(llvm::ArrayRef<MlpProgram> programs,
                                      llvm::StringRef path) {
  if (llvm::Error e = writeFileAtomically(path, [&](llvm::raw_ostream &os) {
        os << artifactToJson(programs) << "\n";
      }))
    return fileError(llvm::toString(std::move(e)));
  return llvm::Error::success();
}

llvm::Expected<std::vector<MlpProgram>>
mlpjit::readArtifactFile(llvm::StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer)
    return fileError("cannot read " + path + ": " +
                     buffer.getError().message());
  auto programs = artifactFromJson((*buffer)->getBuffer());
  if (!programs)
    return fileError(path + ": " + llvm::toString(programs.takeError()));
  return programs;
}
