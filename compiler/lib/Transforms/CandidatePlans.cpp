//===- CandidatePlans.cpp - the tuner's search space ----------------------===//
#include "mlpjit/Transforms/CandidatePlans.h"

#include "TemplateFamily.h"

#include "llvm/ADT/STLExtras.h"

#include <algorithm>
#include <utility>

using namespace mlpjit;

GemmProblem mlpjit::problemOf(const KernelDesc &desc,
                              const DeviceModel &device) {
  GemmProblem p;
  p.device = device;
  static_cast<GemmShape &>(p) = desc.shape();
  p.mMin = desc.mMin;
  p.mMax = desc.mMax;
  p.hasBias = desc.hasBias;
  return p;
}

std::vector<KernelDesc> mlpjit::candidatePlans(const KernelDesc &desc,
                                               int64_t m, size_t maxCandidates,
                                               const DeviceModel &device) {
  std::vector<KernelDesc> out{desc};
  const GemmProblem problem = problemOf(desc, device);
  std::vector<std::pair<double, KernelPlan>> ranked;
  for (const KernelPlan &plan : sm90Candidates(problem, m))
    ranked.push_back({estimateMicros(problem, plan, m), plan});
  llvm::stable_sort(
      ranked, [](const auto &a, const auto &b) { return a.first < b.first; });
  const size_t top = std::min(ranked.size(), (maxCandidates + 1) / 2);
  std::vector<size_t> picked;
  for (size_t i = 0; i < top; ++i)
    picked.push_back(i);
  const size_t rest = ranked.size() - top, spread = maxCandidates - top;
  for (size_t j = 0; j < spread && rest > 0; ++j) {
    size_t i = top + (j * rest) / spread;
    if (picked.back() != i)
      picked.push_back(i);
  }
  auto append = [&](const KernelPlan &candidate) {
    KernelDesc c = desc;
    KernelPlan &plan = c.plan();
    const int64_t mMin = plan.mMin, mMax = plan.mMax;
    plan = candidate;
    plan.mMin = mMin;
    plan.mMax = mMax;
    if (llvm::Error e = checkSupported(c)) {
      llvm::consumeError(std::move(e));
      return;
    }
    if (llvm::none_of(out,
                      [&](const KernelDesc &o) { return o.sameConstants(c); }))
      out.push_back(c);
  };
  for (size_t i : picked)
    append(ranked[i].second);
  // Beyond maxCandidates: the plans the cost model cannot price yet.
  for (const KernelPlan &plan : sm90TunerOnlyCandidates(problem, m))
    append(plan);
  return out;
}
