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

template <typename Enum, int Count>
static std::optional<Enum> enumFromString(llvm::StringRef s) {
  for (int i = 0; i < Count; ++i)
    if (s == toString(Enum(i)))
      return Enum(i);
  return std::nullopt;
}

static llvm::json::Object descToJson(const KernelDesc &d) {
  return llvm::json::Object{{"name", d.name},
                            {"templateName", d.templateName},
                            {"arch", d.arch},
                            {"role", toString(d.role)},
                            {"epilogue", toString(d.epilogue)},
                            {"dtype", toString(d.dtype)},
                            {"hasBias", d.hasBias},
                            {"n", d.n},
                            {"k", d.k},
                            {"interleaveRows", d.interleaveRows},
                            {"mMin", d.mMin},
                            {"mMax", d.mMax},
                            {"tileM", d.tileM},
                            {"tileN", d.tileN},
                            {"tileK", d.tileK},
                            {"stages", d.stages},
                            {"clusterM", d.clusterM},
                            {"clusterN", d.clusterN},
                            {"splitK", d.splitK},
                            {"swapAB", d.swapAB}};
}

std::string mlpjit::programToJson(const MlpProgram &p) {
  llvm::json::Array kernels;
  for (const KernelArtifact &k : p.kernels)
    kernels.push_back(
        llvm::json::Object{{"desc", descToJson(k.desc)}, {"ptx", k.ptx}});
  llvm::json::Object root{{"format", "mlpjit-program-1"},
                          {"name", p.name},
                          {"hidden", p.hidden},
                          {"intermediate", p.intermediate},
                          {"dtype", toString(p.dtype)},
                          {"epilogue", toString(p.epilogue)},
                          {"hasBias", p.hasBias},
                          {"interleaveRows", p.interleaveRows},
                          {"tokensMin", p.tokensMin},
                          {"tokensMax", p.tokensMax},
                          {"tensorParallel", p.tensorParallel},
                          {"kernels", std::move(kernels)}};
  std::string out;
  llvm::raw_string_ostream os(out);
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(root)));
  return out;
}

namespace {
/// Reads required fields of one object, remembering the first failure.
class FieldReader {
public:
  FieldReader(const llvm::json::Object &o, std::string where)
      : o(o), where(std::move(where)) {}

  template <typename T> void integer(llvm::StringRef key, T &out) {
    if (auto v = o.getInteger(key))
      out = T(*v);
    else
      fail(key, "an integer");
  }
  void boolean(llvm::StringRef key, bool &out) {
    if (auto v = o.getBoolean(key))
      out = *v;
    else
      fail(key, "true or false");
  }
  void string(llvm::StringRef key, std::string &out) {
    if (auto v = o.getString(key))
      out = v->str();
    else
      fail(key, "a string");
  }
  template <typename Enum, int Count>
  void enumeration(llvm::StringRef key, Enum &out) {
    std::string s;
    string(key, s);
    if (error.empty()) {
      if (auto e = enumFromString<Enum, Count>(s))
        out = *e;
      else
        fail(key, "a known name, not '" + s + "'");
    }
  }
  llvm::Error takeError() {
    return error.empty() ? llvm::Error::success() : fileError(error);
  }

private:
  void fail(llvm::StringRef key, const std::string &what) {
    if (error.empty())
      error = where + ": field '" + key.str() + "' must be " + what;
  }
  const llvm::json::Object &o;
  std::string where, error;
};
} // namespace

llvm::Expected<MlpProgram> mlpjit::programFromJson(llvm::StringRef json) {
  llvm::Expected<llvm::json::Value> value = llvm::json::parse(json);
  if (!value)
    return fileError("not JSON: " + llvm::toString(value.takeError()));
  const llvm::json::Object *root = value->getAsObject();
  if (!root || root->getString("format") != "mlpjit-program-1")
    return fileError("not an mlpjit program (format mlpjit-program-1)");
  MlpProgram p;
  FieldReader r(*root, "program");
  r.string("name", p.name);
  r.integer("hidden", p.hidden);
  r.integer("intermediate", p.intermediate);
  r.enumeration<DType, 2>("dtype", p.dtype);
  r.enumeration<Epilogue, 9>("epilogue", p.epilogue);
  r.boolean("hasBias", p.hasBias);
  r.integer("interleaveRows", p.interleaveRows);
  r.integer("tokensMin", p.tokensMin);
  r.integer("tokensMax", p.tokensMax);
  if (auto e = r.takeError())
    return e;
  // Optional: files written before tensor parallelism hold whole blocks.
  if (const llvm::json::Value *tp = root->get("tensorParallel")) {
    std::optional<int64_t> v = tp->getAsInteger();
    if (!v || *v < 1 || *v > MlpProgram::kMaxTensorParallel)
      return fileError("program: field 'tensorParallel' must be an integer "
                       "in [1, " +
                       llvm::Twine(MlpProgram::kMaxTensorParallel) + "]");
    p.tensorParallel = *v;
  }
  const llvm::json::Array *kernels = root->getArray("kernels");
  if (!kernels)
    return fileError("program: field 'kernels' must be an array");
  for (size_t i = 0; i < kernels->size(); ++i) {
    std::string where = "kernels[" + std::to_string(i) + "]";
    const llvm::json::Object *k = (*kernels)[i].getAsObject();
    const llvm::json::Object *desc = k ? k->getObject("desc") : nullptr;
    if (!desc)
      return fileError(where + ": must be an object with a 'desc' object");
    KernelArtifact a;
    FieldReader kr(*k, where);
    kr.string("ptx", a.ptx);
    FieldReader dr(*desc, where + ".desc");
    KernelDesc &d = a.desc;
    dr.string("name", d.name);
    dr.string("templateName", d.templateName);
    dr.string("arch", d.arch);
    dr.enumeration<KernelRole, 2>("role", d.role);
    dr.enumeration<Epilogue, 9>("epilogue", d.epilogue);
    dr.enumeration<DType, 2>("dtype", d.dtype);
    dr.boolean("hasBias", d.hasBias);
    dr.integer("n", d.n);
    dr.integer("k", d.k);
    dr.integer("interleaveRows", d.interleaveRows);
    dr.integer("mMin", d.mMin);
    dr.integer("mMax", d.mMax);
    dr.integer("tileM", d.tileM);
    dr.integer("tileN", d.tileN);
    dr.integer("tileK", d.tileK);
    dr.integer("stages", d.stages);
    dr.integer("clusterM", d.clusterM);
    dr.integer("clusterN", d.clusterN);
    dr.integer("splitK", d.splitK);
    dr.boolean("swapAB", d.swapAB);
    if (auto e = kr.takeError())
      return e;
    if (auto e = dr.takeError())
      return e;
    p.kernels.push_back(std::move(a));
  }
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
