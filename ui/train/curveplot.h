#pragma once

#include "ui/plot/themedplot.h"

#include <QtCore/QList>
#include <QtCore/QStringList>
#include <QtCore/QVector>

/** One finished run's curve for overlaying: x (step or epoch) and y. */
struct CurveSeries
{
    QString name;
    QVector<double> x;
    QVector<double> y;
};

/**
 * A line plot of the running run's live curve(s) with other runs' curves overlaid, an
 * optional EMA smoothing (the raw live values stay faintly behind) and a log-scale value
 * axis. Redraws with queued replots, so many small updates cost one repaint. GUI thread.
 */
class CurvePlot : public ThemedPlot
{
    Q_OBJECT
public:
    CurvePlot(const QString &title, const QString &keyLabel, const QString &valueLabel, QWidget *parent = nullptr);

    /** Live series of the running run: the first solid, further ones dashed, all in the live colour. */
    void setLiveSeries(const QStringList &names);
    void clearLive();
    void addLivePoints(int series, const QVector<double> &keys, const QVector<double> &values);
    void setOverlays(const QList<CurveSeries> &overlays);

    /** EMA weight in [0, 1) for the first live series and the overlays; 0 shows raw values. */
    void setSmoothing(double weight);
    double smoothing() const { return m_smoothing; }
    void setLogScale(bool on);
    bool logScale() const { return m_logScale; }
    /** Whole-number ticks on the key axis (epochs). */
    void setIntegerKeys(bool on);
    /** Fixes the value axis instead of fitting it to the data. */
    void setFixedValueRange(double lower, double upper);
    /** Fits the value axis to the data again. */
    void clearFixedValueRange();
    /** A new title and value-axis label (the plot now shows another quantity). */
    void setLabels(const QString &title, const QString &valueLabel);
    QString title() const;
    /** Marks each data point (few points, as per epoch). */
    void setPointMarkers(bool on);
    /** Shown over the plot while no curve has data. */
    void setEmptyNote(const QString &text);

    int livePointCount(int series = 0) const;
    int overlayCount() const { return int(m_overlays.size()); }
    /** The overlay's plotted (smoothed) values, for tests and export. */
    QVector<double> overlayValues(int index) const;

protected:
    void applyTheme() override;

private:
    void rebuildLive();
    void restyle();
    void updateLegend();
    void refit();

    QCPTextElement *m_title;
    QStringList m_liveNames;
    QList<QCPGraph *> m_live;
    QCPGraph *m_liveRaw = nullptr; ///< raw values of live series 0 behind its smoothed line
    QList<QVector<double>> m_liveKeys;
    QList<QVector<double>> m_liveValues;
    double m_emaValue = 0.0;       ///< running EMA of live series 0 (biased)
    int m_emaCount = 0;
    QList<QCPGraph *> m_overlays;
    QList<CurveSeries> m_overlayData;
    double m_smoothing = 0.0;
    bool m_logScale = false;
    bool m_pointMarkers = false;
    bool m_fixedRange = false;
    QString m_emptyNote;
    QCPRange m_valueRange;
};
