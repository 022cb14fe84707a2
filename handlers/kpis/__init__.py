"""/partner kpis, the KPIs button, the chart, and /partner export."""
