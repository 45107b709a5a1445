#pragma once

#include <array>

/**
 * Exact Shapley values of the modality game. Subsets are bit masks over {text = 1, image = 2,
 * audio = 4}; values[mask] is the game's value with exactly those modalities present. Only
 * the modalities in `players` take part (a modality the sample lacks gets 0), and only subsets
 * of `players` are read. Efficiency holds by construction: the values sum to
 * values[players] − values[0].
 */
std::array<double, 3> exactShapley(const std::array<double, 8> &values, unsigned players);

/** Number of set bits among the three modality bits. */
int modalityCount(unsigned mask);
