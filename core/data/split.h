#pragma once

#include <QtCore/QString>
#include <optional>

enum class Split { Train = 0, Val = 1, Test = 2 };

QString splitName(Split split);
/** "train" | "val" | "test" (also "validation", "valid", "dev"); nullopt for anything else. */
std::optional<Split> splitFromName(const QString &name);
/** Deterministic 80/10/10 split from a hash of the sample id, stable across runs and machines. */
Split splitFromId(const QString &id);
