#include "core/util/precision.h"

#include <ATen/autocast_mode.h>

#include <cpuid.h>

namespace {

/** XCR0 says the OS saves the opmask and ZMM registers (bits 5-7) and AVX state (1-2). */
bool osSavesAvx512State()
{
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || !(ecx & bit_OSXSAVE))
        return false;
    unsigned low = 0, high = 0;
    __asm__("xgetbv" : "=a"(low), "=d"(high) : "c"(0));
    return (low & 0xE6u) == 0xE6u;
}

} // namespace

bool cpuHasNativeBf16()
{
    static const bool native = [] {
        unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
        if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx))
            return false;
        const bool amxBf16 = edx & (1u << 22);
        const bool maxSubleaf1 = eax >= 1;
        unsigned eax1 = 0, ebx1 = 0, ecx1 = 0, edx1 = 0;
        const bool avx512Bf16 = maxSubleaf1 && __get_cpuid_count(7, 1, &eax1, &ebx1, &ecx1, &edx1) && (eax1 & (1u << 5));
        return (avx512Bf16 || amxBf16) && osSavesAvx512State();
    }();
    return native;
}

bool isPrecisionSetting(const QString &setting)
{
    return setting == QLatin1String("fp32") || setting == QLatin1String("bf16") || setting == QLatin1String("auto");
}

bool parsePrecisionSetting(const QString &value, QString *setting, QString *error)
{
    *setting = value.trimmed().toLower();
    if (isPrecisionSetting(*setting))
        return true;
    *error = QStringLiteral("--precision must be fp32, bf16 or auto, got '%1'").arg(value);
    return false;
}

Precision resolvePrecision(const QString &setting, QString *why)
{
    Precision chosen = Precision::Fp32;
    QString reason;
    if (setting == QLatin1String("bf16")) {
        chosen = Precision::Bf16;
        reason = cpuHasNativeBf16() ? QStringLiteral("as configured")
                                    : QStringLiteral("as configured; this CPU has no native bf16, so it is emulated and slow");
    } else if (setting == QLatin1String("auto")) {
        chosen = cpuHasNativeBf16() ? Precision::Bf16 : Precision::Fp32;
        reason = cpuHasNativeBf16() ? QStringLiteral("auto: this CPU multiplies bf16 natively (AVX-512 BF16 or AMX)")
                                    : QStringLiteral("auto: this CPU has no native bf16");
    } else {
        reason = QStringLiteral("as configured");
    }
    if (why)
        *why = QStringLiteral("%1 (%2)").arg(precisionName(chosen), reason);
    return chosen;
}

QString precisionName(Precision precision)
{
    return precision == Precision::Bf16 ? QStringLiteral("bf16") : QStringLiteral("fp32");
}

PrecisionScope::PrecisionScope(Precision precision)
{
    if (precision != Precision::Bf16)
        return;
    m_active = true;
    m_wasEnabled = at::autocast::is_cpu_enabled();
    m_previousType = int(at::autocast::get_autocast_cpu_dtype());
    at::autocast::set_cpu_enabled(true);
    at::autocast::set_autocast_cpu_dtype(at::kBFloat16);
    at::autocast::increment_nesting();
}

PrecisionScope::~PrecisionScope()
{
    if (!m_active)
        return;
    if (at::autocast::decrement_nesting() == 0)
        at::autocast::clear_cache();
    at::autocast::set_cpu_enabled(m_wasEnabled);
    at::autocast::set_autocast_cpu_dtype(at::ScalarType(m_previousType));
}
