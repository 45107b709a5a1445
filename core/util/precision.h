#pragma once

#include <QtCore/QString>

/** The arithmetic forward passes run in. Weights, optimizer state, checkpoints and exported
 *  models are fp32 either way; bf16 only autocasts the matrix products of the forward. */
enum class Precision { Fp32, Bf16 };

/** The CPU multiplies bf16 natively (AVX-512 BF16 or AMX-BF16, with the OS saving ZMM state). */
bool cpuHasNativeBf16();

/** "fp32", "bf16" or "auto": the settings resolvePrecision() takes. */
bool isPrecisionSetting(const QString &setting);

/**
 * A user's --precision value, trimmed and case-folded, into *setting; false with the usage
 * sentence in *error ("--precision must be fp32, bf16 or auto, got 'x'") when it is none of them.
 */
bool parsePrecisionSetting(const QString &value, QString *setting, QString *error);

/**
 * "fp32", "bf16" or "auto" (bf16 where cpuHasNativeBf16(), else fp32) → what to run, and in
 * *why one line for the log ("bf16 (auto: this CPU has AVX-512 BF16)"). Unknown settings
 * are refused by the config's validation before this is asked.
 */
Precision resolvePrecision(const QString &setting, QString *why = nullptr);

QString precisionName(Precision precision);

/**
 * Autocasts this thread's forward passes to bf16 for the scope's life; nothing for fp32.
 * Autocast state and its cast cache are thread-local; the outermost scope clears the cache
 * on exit, so no bf16 copy of a weight outlives the optimizer step that changes the weight.
 */
class PrecisionScope
{
public:
    explicit PrecisionScope(Precision precision);
    ~PrecisionScope();
    PrecisionScope(const PrecisionScope &) = delete;
    PrecisionScope &operator=(const PrecisionScope &) = delete;

private:
    bool m_active = false;
    bool m_wasEnabled = false;
    int m_previousType = 0;
};
