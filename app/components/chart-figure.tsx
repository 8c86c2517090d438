import { BarChart, type BarChartSeries } from '@mantine/charts';
import { Title, VisuallyHidden } from '@mantine/core';

/**
 * A bar chart for the eye, with the same numbers as a table for screen readers (the SVG itself is hidden from
 * assistive technology, which reads it poorly).
 */
export function ChartFigure<T extends Record<string, string | number>>(props: {
  id: string;
  title: string;
  caption: string;
  data: T[];
  dataKey: keyof T & string;
  series: BarChartSeries[];
  height?: number;
  format?: (value: number) => string;
  /** Counts: the axis shows whole numbers only. */
  integers?: boolean;
}) {
  const format = props.format ?? ((v: number) => String(v));
  return (
    <figure style={{ margin: 0 }} aria-labelledby={props.id}>
      <Title order={3} size="h6" id={props.id}>
        {props.title}
      </Title>
      <div aria-hidden="true">
        <BarChart
          h={props.height ?? 160}
          data={props.data}
          dataKey={props.dataKey}
          series={props.series}
          valueFormatter={props.format}
          yAxisProps={props.integers ? { allowDecimals: false } : undefined}
        />
      </div>
      <VisuallyHidden>
        <table>
          <caption>{props.caption}</caption>
          <tbody>
            {props.data.map((row) => (
              <tr key={String(row[props.dataKey])}>
                <th scope="row">{String(row[props.dataKey])}</th>
                {props.series.map((s) => (
                  <td key={s.name}>
                    {format(Number(row[s.name]))} {s.label ?? s.name}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </VisuallyHidden>
    </figure>
  );
}
