#include "core/explain/shapley.h"

int modalityCount(unsigned mask)
{
    return int(mask & 1U) + int((mask >> 1) & 1U) + int((mask >> 2) & 1U);
}

std::array<double, 3> exactShapley(const std::array<double, 8> &values, unsigned players)
{
    players &= 7U;
    static constexpr double kFactorial[] = {1.0, 1.0, 2.0, 6.0};
    const int n = modalityCount(players);
    std::array<double, 3> phi{0.0, 0.0, 0.0};
    for (int i = 0; i < 3; ++i) {
        const unsigned bit = 1U << i;
        if (!(players & bit))
            continue;
        const unsigned others = players & ~bit;
        // Every subset S of the other players: weight |S|! (n − |S| − 1)! / n!.
        for (unsigned subset = others;; subset = (subset - 1) & others) {
            const int size = modalityCount(subset);
            const double weight = kFactorial[size] * kFactorial[n - size - 1] / kFactorial[n];
            phi[std::size_t(i)] += weight * (values[subset | bit] - values[subset]);
            if (subset == 0)
                break;
        }
    }
    return phi;
}
