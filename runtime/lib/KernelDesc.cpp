//===- KernelDesc.cpp - enum names and the JSON mapping of kernel plans ---===//
#include "mlpjit/KernelDesc.h"

#include "llvm/ADT/STLExtras.h"

using namespace mlpjit;
namespace json = llvm::json;

namespace {
// Indexed by the enums' values.
constexpr const char *kDTypeNames[] = {"bf16", "f16"};
constexpr const char *kEpilogueNames[] = {
    "none",   "silu",       "gelu_tanh", "gelu_erf", "relu",
    "swiglu", "geglu_tanh", "geglu_erf", "reglu"};
constexpr const char *kRoleNames[] = {"gate_up", "down"};
static_assert(std::size(kEpilogueNames) == size_t(Epilogue::reglu) + 1,
              "an epilogue without a name");

template <typename Enum, size_t N>
bool enumFromJSON(const json::Value &value, Enum &out, json::Path path,
                  const char *const (&names)[N], llvm::StringLiteral what) {
  std::optional<llvm::StringRef> s = value.getAsString();
  if (!s) {
    path.report("expected string");
    return false;
  }
  for (size_t i = 0; i < N; ++i)
    if (*s == names[i]) {
      out = Enum(i);
      return true;
    }
  path.report(what);
  return false;
}
} // namespace

const char *mlpjit::toString(DType t) { return kDTypeNames[size_t(t)]; }
const char *mlpjit::toString(Epilogue e) { return kEpilogueNames[size_t(e)]; }
const char *mlpjit::toString(KernelRole r) { return kRoleNames[size_t(r)]; }

bool KernelPlan::sameConstants(const KernelPlan &o) const {
  return templateName == o.templateName && tileM == o.tileM &&
         tileN == o.tileN && tileK == o.tileK && stages == o.stages &&
         clusterM == o.clusterM && clusterN == o.clusterN &&
         splitK == o.splitK && swapAB == o.swapAB;
}

bool KernelDesc::sameKernel(const KernelDesc &o) const {
  return sameConstants(o) && name == o.name && arch == o.arch &&
         epilogue == o.epilogue && dtype == o.dtype && n == o.n && k == o.k &&
         interleaveRows == o.interleaveRows && role == o.role &&
         hasBias == o.hasBias;
}

json::Value mlpjit::toJSON(DType t) { return toString(t); }
json::Value mlpjit::toJSON(Epilogue e) { return toString(e); }
json::Value mlpjit::toJSON(KernelRole r) { return toString(r); }

bool mlpjit::fromJSON(const json::Value &v, DType &out, json::Path p) {
  return enumFromJSON(v, out, p, kDTypeNames, "expected bf16 or f16");
}
bool mlpjit::fromJSON(const json::Value &v, Epilogue &out, json::Path p) {
  return enumFromJSON(v, out, p, kEpilogueNames, "unknown epilogue");
}
bool mlpjit::fromJSON(const json::Value &v, KernelRole &out, json::Path p) {
  return enumFromJSON(v, out, p, kRoleNames, "expected gate_up or down");
}

static json::Object shapeObject(const GemmShape &s) {
  return json::Object{{"arch", s.arch},   {"epilogue", s.epilogue},
                      {"dtype", s.dtype}, {"n", s.n},
                      {"k", s.k},         {"interleaveRows", s.interleaveRows}};
}

json::Value mlpjit::toJSON(const GemmShape &s) { return shapeObject(s); }

bool mlpjit::fromJSON(const json::Value &v, GemmShape &s, json::Path p) {
  json::ObjectMapper o(v, p);
  return o && o.map("arch", s.arch) && o.map("epilogue", s.epilogue) &&
         o.map("dtype", s.dtype) && o.map("n", s.n) && o.map("k", s.k) &&
         o.mapOptional("interleaveRows", s.interleaveRows);
}

static json::Object planObject(const KernelPlan &k) {
  return json::Object{{"template", k.templateName},
                      {"mMin", k.mMin},
                      {"mMax", k.mMax},
                      {"tileM", k.tileM},
                      {"tileN", k.tileN},
                      {"tileK", k.tileK},
                      {"stages", k.stages},
                      {"clusterM", k.clusterM},
                      {"clusterN", k.clusterN},
                      {"splitK", k.splitK},
                      {"swapAB", k.swapAB}};
}

json::Value mlpjit::toJSON(const KernelPlan &k) { return planObject(k); }

bool mlpjit::fromJSON(const json::Value &v, KernelPlan &k, json::Path p) {
  json::ObjectMapper o(v, p);
  return o && o.map("template", k.templateName) &&
         o.mapOptional("mMin", k.mMin) && o.mapOptional("mMax", k.mMax) &&
         o.map("tileM", k.tileM) && o.map("tileN", k.tileN) &&
         o.map("tileK", k.tileK) && o.map("stages", k.stages) &&
         o.map("clusterM", k.clusterM) && o.map("clusterN", k.clusterN) &&
         o.map("splitK", k.splitK) && o.map("swapAB", k.swapAB);
}

json::Value mlpjit::toJSON(const KernelDesc &d) {
  json::Object o = shapeObject(d);
  for (auto &[key, value] : planObject(d))
    o[key] = std::move(value);
  o["name"] = d.name;
  o["role"] = d.role;
  o["hasBias"] = d.hasBias;
  return o;
}

bool mlpjit::fromJSON(const json::Value &v, KernelDesc &d, json::Path p) {
  json::ObjectMapper o(v, p);
  return o && o.map("name", d.name) && o.map("role", d.role) &&
         o.map("hasBias", d.hasBias) && fromJSON(v, d.shape(), p) &&
         fromJSON(v, d.plan(), p);
}
