#pragma once

#include <QtCore/QString>
#include <array>

/** The three modalities, in the order of the model contract's `present` columns. */
enum class Modality { Text = 0, Image = 1, Audio = 2 };

inline constexpr int kModalityCount = 3;
inline constexpr std::array<Modality, kModalityCount> kAllModalities{Modality::Text, Modality::Image,
                                                                     Modality::Audio};

QString modalityName(Modality modality);

/** Which modalities a sample carries; indexed by int(Modality). */
using PresenceMask = std::array<bool, kModalityCount>;
