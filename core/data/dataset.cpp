#include "core/data/dataset.h"
#include "core/data/featurestore.h"

Dataset::~Dataset() = default;

std::vector<int> Dataset::indices(Split split) const
{
    std::vector<int> result;
    for (int i = 0; i < size(); ++i) {
        if (record(i).split == split)
            result.push_back(i);
    }
    return result;
}

int Dataset::indexOf(const QString &sampleId) const
{
    return m_indexOfId.value(sampleId, -1);
}

const std::uint8_t *Dataset::image(int index) const
{
    return m_images[std::size_t(index)];
}

const float *Dataset::mel(int index, int *frames) const
{
    if (frames)
        *frames = m_melFrames[std::size_t(index)];
    return m_mels[std::size_t(index)];
}

double Dataset::audioSeconds(int index) const
{
    return m_audioSeconds[std::size_t(index)];
}
