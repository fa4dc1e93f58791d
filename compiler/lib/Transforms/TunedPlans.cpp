//===- TunedPlans.cpp - the tuning file and the planner that reads it -----===//
#include "mlpjit/Transforms/TunedPlans.h"
#include "mlpjit/FileOutput.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlpjit;

namespace {

constexpr llvm::StringLiteral kFormat = "mlpjit-tuning-1";

template <typename Enum, int Count>
std::optional<Enum> enumFromString(llvm::StringRef s) {
  for (int i = 0; i < Count; ++i)
    if (s == toString(Enum(i)))
      return Enum(i);
  return std::nullopt;
}

bool sameProblem(const TunedPlan &a, const TunedPlan &b) {
  return a.arch == b.arch && a.epilogue == b.epilogue && a.dtype == b.dtype &&
         a.n == b.n && a.k == b.k;
}

/// Reads one entry; `where` names it in errors ("plans[3]").
llvm::Expected<TunedPlan> entryFromJson(const llvm::json::Value &v,
                                        const std::string &where) {
  auto bad = [&](llvm::StringRef key, llvm::StringRef what) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   where + ": '" + key + "' must be " + what);
  };
  const llvm::json::Object *o = v.getAsObject();
  if (!o)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   where + " is not an object");
  TunedPlan t;
  auto str = [&](const llvm::json::Object &obj, llvm::StringRef key,
                 std::string &out) -> bool {
    auto s = obj.getString(key);
    if (!s)
      return false;
    out = s->str();
    return true;
  };
  auto positive = [&](const llvm::json::Object &obj, llvm::StringRef key,
                      int64_t limit, auto &out) -> bool {
    auto i = obj.getInteger(key);
    if (!i || *i < 1 || *i > limit)
      return false;
    out = *i;
    return true;
  };
  std::string s;
  if (!str(*o, "arch", t.arch))
    return bad("arch", "a string");
  if (!str(*o, "epilogue", s))
    return bad("epilogue", "a string");
  auto epilogue = enumFromString<Epilogue, 9>(s);
  if (!epilogue)
    return bad("epilogue", "a known epilogue, not '" + s + "'");
  t.epilogue = *epilogue;
  if (!str(*o, "dtype", s))
    return bad("dtype", "a string");
  auto dtype = enumFromString<DType, 2>(s);
  if (!dtype)
    return bad("dtype", "bf16 or f16, not '" + s + "'");
  t.dtype = *dtype;
  constexpr int64_t kMaxDim = int64_t(1) << 31;
  if (!positive(*o, "n", kMaxDim, t.n))
    return bad("n", "a positive integer");
  if (!positive(*o, "k", kMaxDim, t.k))
    return bad("k", "a positive integer");
  if (!positive(*o, "m", kMaxDim, t.m))
    return bad("m", "a positive integer");
  if (auto us = o->getNumber("us"))
    t.us = *us;
  str(*o, "device", t.device);

  const llvm::json::Object *p = o->getObject("plan");
  if (!p)
    return bad("plan", "an object");
  KernelPlan &plan = t.plan;
  if (!str(*p, "template", plan.templateName))
    return bad("plan.template", "a string");
  struct Field {
    const char *key;
    int64_t *out;
    int64_t limit;
  } fields[] = {
      {"tileM", &plan.tileM, 256},      {"tileN", &plan.tileN, 256},
      {"tileK", &plan.tileK, 256},      {"stages", &plan.stages, 16},
      {"clusterM", &plan.clusterM, 16}, {"clusterN", &plan.clusterN, 16},
      {"splitK", &plan.splitK, 64}};
  for (const Field &f : fields)
    if (!positive(*p, f.key, f.limit, *f.out))
      return bad(std::string("plan.") + f.key,
                 "an integer in [1, " + std::to_string(f.limit) + "]");
  auto swap = p->getBoolean("swapAB");
  if (!swap)
    return bad("plan.swapAB", "true or false");
  plan.swapAB = *swap;
  return t;
}

llvm::json::Object entryToJson(const TunedPlan &t) {
  const KernelPlan &p = t.plan;
  return llvm::json::Object{
      {"arch", t.arch},
      {"epilogue", toString(t.epilogue)},
      {"dtype", toString(t.dtype)},
      {"n", t.n},
      {"k", t.k},
      {"m", t.m},
      {"us", t.us},
      {"device", t.device},
      {"plan", llvm::json::Object{{"template", p.templateName},
                                  {"tileM", p.tileM},
                                  {"tileN", p.tileN},
                                  {"tileK", p.tileK},
                                  {"stages", p.stages},
                                  {"clusterM", p.clusterM},
                                  {"clusterN", p.clusterN},
                                  {"splitK", p.splitK},
                                  {"swapAB", p.swapAB}}}};
}

} // namespace

llvm::Expected<TunedPlanTable> TunedPlanTable::load(llvm::StringRef path) {
  TunedPlanTable table;
  if (!llvm::sys::fs::exists(path))
    return table;
  auto fail = [&](const llvm::Twine &msg) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "tuning file '" + path + "': " + msg);
  };
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer)
    return fail(buffer.getError().message());
  auto json = llvm::json::parse((*buffer)->getBuffer());
  if (!json)
    return fail("not JSON: " + llvm::toString(json.takeError()));
  const llvm::json::Object *root = json->getAsObject();
  if (!root || root->getString("format") != kFormat)
    return fail("not a tuning file (format " + kFormat + ")");
  const llvm::json::Array *plans = root->getArray("plans");
  if (!plans)
    return fail("'plans' must be an array");
  for (size_t i = 0; i < plans->size(); ++i) {
    auto entry = entryFromJson((*plans)[i], "plans[" + std::to_string(i) + "]");
    if (!entry)
      return fail(llvm::toString(entry.takeError()));
    table.insert(*entry);
  }
  return table;
}

llvm::Error TunedPlanTable::save(llvm::StringRef path) const {
  llvm::json::Array array;
  for (const TunedPlan &t : plans)
    array.push_back(entryToJson(t));
  llvm::json::Object root{{"format", kFormat}, {"plans", std::move(array)}};

  llvm::StringRef dir = llvm::sys::path::parent_path(path);
  if (!dir.empty())
    if (std::error_code ec = llvm::sys::fs::create_directories(dir))
      return llvm::createStringError(ec, "cannot create '" + dir +
                                             "': " + ec.message());
  return writeFileAtomically(path, [&](llvm::raw_ostream &os) {
    os << llvm::formatv("{0:2}", llvm::json::Value(std::move(root))) << "\n";
  });
}

void TunedPlanTable::insert(const TunedPlan &plan) {
  for (TunedPlan &t : plans)
    if (sameProblem(t, plan) && t.m == plan.m) {
      t = plan;
      return;
    }
  plans.push_back(plan);
}

const TunedPlan *TunedPlanTable::find(const GemmProblem &problem, int64_t mMin,
                                      int64_t mMax) const {
  TunedPlan key;
  key.arch = problem.arch;
  key.epilogue = problem.epilogue;
  key.dtype = problem.dtype;
  key.n = problem.n;
  key.k = problem.k;
  for (const TunedPlan &t : plans)
    if (sameProblem(t, key) && t.m >= mMin && t.m <= mMax)
      return &t;
  return nullptr;
}

TunedKernelPlanner::TunedKernelPlanner(
    TunedPlanTable table, std::shared_ptr<const KernelPlanner> fallback)
    : table(std::move(table)), fallback(std::move(fallback)) {}

llvm::Expected<std::vector<KernelPlan>>
TunedKernelPlanner::plan(const GemmProblem &problem) const {
  auto plans = fallback->plan(problem);
  if (!plans)
    return plans.takeError();
  for (KernelPlan &p : *plans)
    if (const TunedPlan *t = table.find(problem, p.mMin, p.mMax)) {
      int64_t mMin = p.mMin, mMax = p.mMax;
      p = t->plan;
      p.mMin = mMin;
      p.mMax = mMax;
    }
  return plans;
}
