//===- TunedPlans.cpp - the tuning file and the planner that reads it -----===//
#include "mlpjit/Transforms/TunedPlans.h"
#include "mlpjit/FileOutput.h"

#include "llvm/ADT/STLExtras.h"
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

bool sameProblem(const GemmShape &a, const GemmShape &b) {
  return a.arch == b.arch && a.epilogue == b.epilogue && a.dtype == b.dtype &&
         a.n == b.n && a.k == b.k;
}

/// The limits the JSON mapping does not know: an error naming the entry
/// ("plans[3]") and the field otherwise.
llvm::Error checkRanges(const TunedPlan &t, const std::string &where) {
  constexpr int64_t kMaxDim = int64_t(1) << 31;
  const KernelPlan &p = t.plan;
  struct Field {
    const char *key;
    int64_t value, min, max;
  };
  const Field fields[] = {{"n", t.n, 1, kMaxDim},
                          {"m", t.m, 1, kMaxDim},
                          {"k", t.k, 1, kMaxDim},
                          {"plan.tileM", p.tileM, 1, 256},
                          {"plan.tileN", p.tileN, 1, 256},
                          {"plan.tileK", p.tileK, 1, 256},
                          {"plan.stages", p.stages, 1, 16},
                          {"plan.clusterM", p.clusterM, 1, 16},
                          {"plan.clusterN", p.clusterN, 1, 16},
                          // 0: stream-K
                          {"plan.splitK", p.splitK, 0, 64}};
  for (const Field &f : fields)
    if (f.value < f.min || f.value > f.max)
      return llvm::createStringError(
          llvm::inconvertibleErrorCode(),
          where + ": '" + f.key + "' must be an integer in [" +
              llvm::Twine(f.min) + ", " + llvm::Twine(f.max) + "]");
  return llvm::Error::success();
}

} // namespace

namespace mlpjit {
static llvm::json::Value toJSON(const TunedPlan &t) {
  llvm::json::Value shape = toJSON(static_cast<const GemmShape &>(t));
  llvm::json::Object o = std::move(*shape.getAsObject());
  o["m"] = t.m;
  o["us"] = t.us;
  o["device"] = t.device;
  o["plan"] = t.plan;
  return o;
}

static bool fromJSON(const llvm::json::Value &v, TunedPlan &t,
                     llvm::json::Path path) {
  llvm::json::ObjectMapper o(v, path);
  return o && fromJSON(v, static_cast<GemmShape &>(t), path) &&
         o.map("m", t.m) && o.mapOptional("us", t.us) &&
         o.mapOptional("device", t.device) && o.map("plan", t.plan);
}
} // namespace mlpjit

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
  std::vector<TunedPlan> plans;
  llvm::json::Path::Root where("tuning");
  if (!llvm::json::ObjectMapper(*json, where).map("plans", plans))
    return fail(llvm::toString(where.getError()));
  for (size_t i = 0; i < plans.size(); ++i) {
    std::string entry = "plans[" + std::to_string(i) + "]";
    if (llvm::Error e = checkRanges(plans[i], entry))
      return fail(llvm::toString(std::move(e)));
    table.insert(plans[i]);
  }
  return table;
}

llvm::Error TunedPlanTable::save(llvm::StringRef path) const {
  const llvm::json::Value root =
      llvm::json::Object{{"format", kFormat}, {"plans", plans}};

  llvm::StringRef dir = llvm::sys::path::parent_path(path);
  if (!dir.empty())
    if (std::error_code ec = llvm::sys::fs::create_directories(dir))
      return llvm::createStringError(ec, "cannot create '" + dir +
                                             "': " + ec.message());
  return writeFileAtomically(path, [&](llvm::raw_ostream &os) {
    os << llvm::formatv("{0:2}", root) << "\n";
  });
}

void TunedPlanTable::insert(const TunedPlan &plan) {
  for (TunedPlan &t : plans)
    if (sameProblem(t, plan) && t.interleaveRows == plan.interleaveRows &&
        t.m == plan.m && t.device == plan.device) {
      t = plan;
      return;
    }
  plans.push_back(plan);
}

size_t TunedPlanTable::keepDevice(llvm::StringRef device) {
  const size_t before = plans.size();
  llvm::erase_if(plans, [&](const TunedPlan &t) {
    return !t.device.empty() && t.device != device;
  });
  return before - plans.size();
}

std::vector<const TunedPlan *> TunedPlanTable::find(const GemmProblem &problem,
                                                    int64_t mMin,
                                                    int64_t mMax) const {
  // An entry measured with another gate/up block may not fit this one's
  // tiles (192 rows need blocks of at most 32); entries without a block
  // (hand-written files) match any.
  std::vector<const TunedPlan *> out;
  for (const TunedPlan &t : plans)
    if (sameProblem(t, problem) && t.m >= mMin && t.m <= mMax &&
        (t.interleaveRows == 0 || t.interleaveRows == problem.interleaveRows))
      out.push_back(&t);
  llvm::sort(
      out, [](const TunedPlan *a, const TunedPlan *b) { return a->m < b->m; });
  return out;
}

TunedKernelPlanner::TunedKernelPlanner(
    TunedPlanTable table, std::shared_ptr<const KernelPlanner> fallback)
    : table(std::move(table)), fallback(std::move(fallback)) {}

llvm::Expected<std::vector<KernelPlan>>
TunedKernelPlanner::plan(const GemmProblem &problem) const {
  auto plans = fallback->plan(problem);
  if (!plans)
    return plans.takeError();
  std::vector<KernelPlan> out;
  auto append = [&](KernelPlan p, int64_t mMin, int64_t mMax) {
    if (mMin > mMax)
      return;
    if (!out.empty() && out.back().sameConstants(p) &&
        out.back().mMax + 1 == mMin) {
      out.back().mMax = mMax;
      return;
    }
    p.mMin = mMin;
    p.mMax = mMax;
    out.push_back(std::move(p));
  };
  // A stored plan stands for the planner range it was measured in
  // (plannerRangeOf), not for the whole bucket that range merged into:
  // applied to their buckets, plans measured at M = 300 and 700 ran
  // qwen2.5-0.5b at M = 500 15% slower than the heuristic's (session 13).
  for (const KernelPlan &p : *plans) {
    int64_t next = p.mMin; // the first token count not yet planned
    for (const TunedPlan *t : table.find(problem, p.mMin, p.mMax)) {
      auto [lo, hi] = plannerRangeOf(t->m);
      lo = std::max(lo, next);
      hi = std::min(hi, p.mMax);
      if (lo > hi)
        continue; // a range already taken, by the entry of a lower m
      append(p, next, lo - 1);
      append(t->plan, lo, hi);
      next = hi + 1;
    }
    append(p, next, p.mMax);
  }
  return out;
}
