<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AgreementInput</name>
    <message>
        <source>Agreement needs at least two categories, not %1.</source>
        <translation>一致性计算至少需要两个类别，而不是 %1 个。</translation>
    </message>
    <message>
        <source>The number of items (%1) is negative.</source>
        <translation>条目数（%1）为负数。</translation>
    </message>
    <message>
        <source>%1 rating tables for %2 tags.</source>
        <translation>%1 张评分表对应 %2 个标签。</translation>
    </message>
    <message>
        <source>Tag %1: %2 ratings for %3 items by %4 raters.</source>
        <translation>标签 %1：%3 个条目、%4 个评分者却有 %2 个评分。</translation>
    </message>
    <message>
        <source>Tag %1, item %2, rater %3: rating %4 is neither -1 nor a category 0..%5.</source>
        <translation>标签 %1，条目 %2，评分者 %3：评分 %4 既不是 -1，也不是类别 0..%5。</translation>
    </message>
</context>
<context>
    <name>AnnotationStore</name>
    <message>
        <source>Cannot open the annotation store %1: its folder does not exist.</source>
        <translation>无法打开标注库 %1：其所在文件夹不存在。</translation>
    </message>
    <message>
        <source>Cannot open the annotation store %1: cannot create the lock file %2.</source>
        <translation>无法打开标注库 %1：无法创建锁文件 %2。</translation>
    </message>
    <message>
        <source>another Taglane (%1, process %2 on %3)</source>
        <translation>另一个 Taglane（%1，进程 %2，位于 %3）</translation>
    </message>
    <message>
        <source>The annotation store %1 is in use by %2; it was opened read-only.</source>
        <translation>标注库 %1 正被 %2 使用；已以只读方式打开。</translation>
    </message>
    <message>
        <source>The annotation store %1 is in use by %2. Close it there first.</source>
        <translation>标注库 %1 正被 %2 使用。请先在那里关闭它。</translation>
    </message>
    <message>
        <source>it is not an SQLite database</source>
        <translation>它不是 SQLite 数据库</translation>
    </message>
    <message>
        <source>Cannot open the annotation store %1: %2</source>
        <translation>无法打开标注库 %1：%2</translation>
    </message>
    <message>
        <source>The annotation store %1 is damaged (%2), and it could not be moved aside: %3</source>
        <translation>标注库 %1 已损坏（%2），且无法将其移到一旁：%3</translation>
    </message>
    <message>
        <source>The annotation store %1 could not use write-ahead logging: %2</source>
        <translation>标注库 %1 无法使用预写日志（WAL）：%2</translation>
    </message>
    <message>
        <source>The annotation store %1 was upgraded from schema %2 to %3.</source>
        <translation>标注库 %1 已从模式版本 %2 升级到 %3。</translation>
    </message>
    <message>
        <source>Cannot create a new annotation store at %1.</source>
        <translation>无法在 %1 新建标注库。</translation>
    </message>
    <message>
        <source>Cannot open the annotation store %1 read-only: the file does not exist.</source>
        <translation>无法以只读方式打开标注库 %1：文件不存在。</translation>
    </message>
    <message>
        <source>The annotation store %1 is damaged (%2). Open it for writing to move it aside and start a new one.</source>
        <translation>标注库 %1 已损坏（%2）。请以可写方式打开它，以便将其移到一旁并新建一个标注库。</translation>
    </message>
    <message>
        <source>Cannot open the annotation store %1 read-only: %2</source>
        <translation>无法以只读方式打开标注库 %1：%2</translation>
    </message>
    <message>
        <source>The annotation store %1 uses an older schema (%2); open it for writing once to upgrade it.</source>
        <translation>标注库 %1 使用较旧的模式版本（%2）；请以可写方式打开一次以升级。</translation>
    </message>
    <message>
        <source>The annotation store is not open.</source>
        <translation>标注库未打开。</translation>
    </message>
    <message>
        <source>The annotation store %1 is open read-only.</source>
        <translation>标注库 %1 以只读方式打开。</translation>
    </message>
    <message>
        <source>A track needs a path and a content hash to be added to %1.</source>
        <translation>曲目需要路径和内容哈希才能添加到 %1。</translation>
    </message>
    <message>
        <source>The annotation store %1 has no track with id %2.</source>
        <translation>标注库 %1 中没有 ID 为 %2 的曲目。</translation>
    </message>
    <message>
        <source>A model without a version cannot be recorded in %1.</source>
        <translation>没有版本号的模型无法记录到 %1 中。</translation>
    </message>
    <message>
        <source>Predictions for %1 have %2 values for %3 segments x %4 tags.</source>
        <translation>%1 的预测有 %2 个值，而应为 %3 个片段 x %4 个标签。</translation>
    </message>
    <message>
        <source>The model version &quot;%1&quot; is not recorded in %2.</source>
        <translation>模型版本“%1”未记录在 %2 中。</translation>
    </message>
    <message>
        <source>No annotation store was given (the path is empty).</source>
        <translation>未指定标注库（路径为空）。</translation>
    </message>
    <message>
        <source>Cannot open the annotation store %1: it is a folder, not a store file. Give the path of a file in it (e.g. %2).</source>
        <translation>无法打开标注库 %1：它是文件夹，不是标注库文件。请给出其中某个文件的路径（例如 %2）。</translation>
    </message>
    <message>
        <source>Cannot open the annotation store %1: it is not a regular file.</source>
        <translation>无法打开标注库 %1：它不是普通文件。</translation>
    </message>
    <message>
        <source>Cannot open the annotation store %1: %2. The file was left as it is.</source>
        <translation>无法打开标注库 %1：%2。该文件保持原样。</translation>
    </message>
    <message>
        <source>The annotation store %1 is damaged (%2). It was moved to %3, where it is kept for recovery, and a new store was created.</source>
        <translation>标注库 %1 已损坏（%2）。它已移至 %3 并保留以供恢复，并已新建一个标注库。</translation>
    </message>
    <message numerus="yes">
        <source>Rescued from the damaged store: %n track(s), </source>
        <translation>
            <numerusform>已从损坏的标注库中抢救：%n 首曲目、 </numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n verdict(s) and </source>
        <translation>
            <numerusform>%n 条判定和 </numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n prediction(s); %1 row(s) could not be read.</source>
        <translation>
            <numerusform>%n 条预测；%1 行无法读取。</numerusform>
        </translation>
    </message>
    <message>
        <source>The annotation store %1 did not confirm edits %2-%3 within %4 s; they may not be saved.</source>
        <translation>标注库 %1 未在 %4 秒内确认编辑 %2-%3；它们可能未被保存。</translation>
    </message>
    <message>
        <source>Edits %1-%2 are not saved to %3 yet.</source>
        <translation>编辑 %1-%2 尚未保存到 %3。</translation>
    </message>
    <message>
        <source>A track cannot be moved to an empty path in %1.</source>
        <translation>在 %1 中，不能将曲目移动到空路径。</translation>
    </message>
    <message>
        <source>server process %1 of user %2 from %3%4</source>
        <translation>来自 %3%4 的用户 %2 的服务器进程 %1</translation>
    </message>
    <message>
        <source>Cannot connect to the annotation store %1: %2</source>
        <translation>无法连接到标注库 %1：%2</translation>
    </message>
    <message>
        <source>another Taglane</source>
        <translation>另一个 Taglane</translation>
    </message>
    <message>
        <source>another Taglane (%1)</source>
        <translation>另一个 Taglane（%1）</translation>
    </message>
    <message>
        <source>The annotation store %1 is empty (no Taglane store was created in that database yet); open it for writing once to create it.</source>
        <translation>标注库 %1 为空（该数据库中尚未创建 Taglane 标注库）；请以可写方式打开一次以创建它。</translation>
    </message>
    <message>
        <source>Its verdicts from before curators were recorded now belong to the curator %1.</source>
        <translation>其中在开始记录审校者之前给出的判定，现归属于审校者 %1。</translation>
    </message>
</context>
<context>
    <name>AtomicWrite</name>
    <message>
        <source>Cannot write %1: %2.</source>
        <translation>无法写入 %1：%2。</translation>
    </message>
    <message>
        <source>Writing %1 failed: %2.</source>
        <translation>写入 %1 失败：%2。</translation>
    </message>
</context>
<context>
    <name>AttentionProbe</name>
    <message>
        <source>%1 is a %2 model; only cnn-sam models have attention weights to show.</source>
        <translation>%1 是 %2 模型；只有 cnn-sam 模型才有可显示的注意力权重。</translation>
    </message>
    <message>
        <source>%1: the weights lack the output layer.</source>
        <translation>%1：权重缺少输出层。</translation>
    </message>
    <message>
        <source>The audio is empty.</source>
        <translation>音频为空。</translation>
    </message>
    <message>
        <source>The stretch [%1, %2) s is not inside the %3 s of audio.</source>
        <translation>区间 [%1, %2) s 不在 %3 s 的音频范围内。</translation>
    </message>
</context>
<context>
    <name>AttentionView</name>
    <message>
        <source>Self-attention weights of the model over time, one curve per head: the moments that drove the prediction are where a curve rises.</source>
        <translation>模型随时间变化的自注意力权重，每个注意力头一条曲线：曲线上升之处就是驱动预测的时刻。</translation>
    </message>
    <message>
        <source>No attention to show (select a segment; cnn-sam models only)</source>
        <translation>没有可显示的注意力（请选择一个片段；仅限 cnn-sam 模型）</translation>
    </message>
    <message>
        <source>Attention
log-Mel branch</source>
        <translation>注意力
log-Mel 分支</translation>
    </message>
    <message>
        <source>Attention
waveform branch</source>
        <translation>注意力
波形分支</translation>
    </message>
</context>
<context>
    <name>AudacityLabelReader</name>
    <message>
        <source>expected start&lt;TAB&gt;end&lt;TAB&gt;title.</source>
        <translation>应为“开始&lt;TAB&gt;结束&lt;TAB&gt;标题”格式。</translation>
    </message>
    <message>
        <source>a label title may not hold a tab.</source>
        <translation>标注标题中不能包含制表符。</translation>
    </message>
    <message>
        <source>start &quot;%1&quot; is not a number.</source>
        <translation>开始时间“%1”不是数字。</translation>
    </message>
    <message>
        <source>end &quot;%1&quot; is not a number.</source>
        <translation>结束时间“%1”不是数字。</translation>
    </message>
    <message>
        <source>point label at %1 s skipped (a segment needs an end after its start).</source>
        <translation>已跳过位于 %1 s 的点标注（片段的结束时间必须晚于开始时间）。</translation>
    </message>
    <message>
        <source>start</source>
        <translation>开始时间</translation>
    </message>
    <message>
        <source>end</source>
        <translation>结束时间</translation>
    </message>
    <message>
        <source>%1: %2 point labels skipped in all.</source>
        <translation>%1：共跳过 %2 个点标注。</translation>
    </message>
</context>
<context>
    <name>AudacityLabelWriter</name>
    <message>
        <source>Cannot write %1: the labels of %2 are incomplete.</source>
        <translation>无法写入 %1：%2 的标注不完整。</translation>
    </message>
</context>
<context>
    <name>AudioDecoder</name>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>%1: decoding cancelled</source>
        <translation>%1：解码已取消</translation>
    </message>
    <message>
        <source>%1: corrupt audio data: %2 samples are NaN or infinite (first at %3 s)</source>
        <translation>%1：音频数据损坏：%2 个采样值为 NaN 或无穷大（首个位于 %3 s）</translation>
    </message>
    <message>
        <source>%1: no audio could be decoded: %2</source>
        <translation>%1：无法解码任何音频：%2</translation>
    </message>
    <message>
        <source>%1: the file holds no audio (zero length)</source>
        <translation>%1：文件不含音频（长度为零）</translation>
    </message>
    <message>
        <source>%1: the file is truncated: its header promises %2 s but only %3 s could be read</source>
        <translation>%1：文件被截断：文件头声明 %2 s，但只能读取 %3 s</translation>
    </message>
    <message>
        <source>%1: decoding stopped early: %2</source>
        <translation>%1：解码提前停止：%2</translation>
    </message>
    <message>
        <source>%1: the file is truncated or its header is damaged; decoded what is there</source>
        <translation>%1：文件被截断或文件头已损坏；已解码现有部分</translation>
    </message>
    <message>
        <source>%1: the MP3 decoder reported damaged data (%2 messages, first: %3)</source>
        <translation>%1：MP3 解码器报告数据损坏（%2 条消息，第一条：%3）</translation>
    </message>
</context>
<context>
    <name>AudioMatch</name>
    <message>
        <source>%1: several audio files match &quot;%2&quot;: %3; give the audio file&apos;s name in the labels, or keep one of them in %4.</source>
        <translation>%1：有多个音频文件与“%2”匹配：%3；请在标注中写明音频文件名，或在 %4 中只保留其中一个。</translation>
    </message>
    <message>
        <source>%1: no audio file for &quot;%2&quot; in %3 (looked for %4.&lt;%5&gt;).</source>
        <translation>%1：在 %3 中找不到“%2”的音频文件（查找了 %4.&lt;%5&gt;）。</translation>
    </message>
</context>
<context>
    <name>AudioStream</name>
    <message>
        <source>%1: cannot open as audio: %2</source>
        <translation>%1：无法作为音频打开：%2</translation>
    </message>
    <message>
        <source>%1: invalid header (%2 channels, %3 Hz)</source>
        <translation>%1：文件头无效（%2 个声道，%3 Hz）</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>%1: no audio could be decoded: %2</source>
        <translation>%1：无法解码任何音频：%2</translation>
    </message>
    <message>
        <source>%1: the file holds no audio (zero length)</source>
        <translation>%1：文件不含音频（长度为零）</translation>
    </message>
    <message>
        <source>%1: corrupt audio data: a sample is NaN or infinite (at %2 s)</source>
        <translation>%1：音频数据损坏：有采样值为 NaN 或无穷大（位于 %2 秒）</translation>
    </message>
</context>
<context>
    <name>Augmentation</name>
    <message>
        <source>unknown augmentation &apos;%1&apos; (use all, none or a comma-separated list of: %2)</source>
        <translation>未知的增强方式 &apos;%1&apos;（请使用 all、none 或以逗号分隔的以下列表：%2）</translation>
    </message>
    <message>
        <source>%1: cannot encode %2: %3</source>
        <translation>%1：无法编码 %2：%3</translation>
    </message>
    <message>
        <source>%1: cannot write the encoded audio.</source>
        <translation>%1：无法写入编码后的音频。</translation>
    </message>
    <message>
        <source>%1: cannot decode the encoded audio: %2</source>
        <translation>%1：无法解码编码后的音频：%2</translation>
    </message>
    <message>
        <source>%1: the decoder returned %2 channels, not %3.</source>
        <translation>%1：解码器返回了 %2 个声道，而不是 %3 个。</translation>
    </message>
</context>
<context>
    <name>BatchTagger</name>
    <message>
        <source>Cannot read the library of %1: %2</source>
        <translation>无法读取 %1 的曲库：%2</translation>
    </message>
    <message>
        <source>The annotation store %1 cannot take the tags of %2.</source>
        <translation>标注库 %1 无法接收 %2 的标签。</translation>
    </message>
</context>
<context>
    <name>Cal500CsvReader</name>
    <message>
        <source>%1 is empty: a CAL500exp file starts with the header Start_Time,End_Time,&lt;tags&gt;.</source>
        <translation>%1 为空：CAL500exp 文件应以表头 Start_Time,End_Time,&lt;tags&gt; 开头。</translation>
    </message>
    <message>
        <source>the header must start with Start_Time,End_Time (found &quot;%1&quot;).</source>
        <translation>表头必须以 Start_Time,End_Time 开头（实际为“%1”）。</translation>
    </message>
    <message>
        <source>column %1 has no tag name.</source>
        <translation>第 %1 列没有标签名。</translation>
    </message>
    <message>
        <source>the tag &quot;%1&quot; appears twice.</source>
        <translation>标签“%1”出现了两次。</translation>
    </message>
    <message>
        <source>the row has %1 fields; the header has %2.</source>
        <translation>该行有 %1 个字段；表头有 %2 个。</translation>
    </message>
    <message>
        <source>the segment %1-%2 s appears twice.</source>
        <translation>片段 %1-%2 s 出现了两次。</translation>
    </message>
    <message>
        <source>the value &quot;%1&quot; of %2 is not a number from 0 to 1.</source>
        <translation>%2 的值“%1”不是 0 到 1 之间的数字。</translation>
    </message>
    <message>
        <source>Start_Time &quot;%1&quot; is not a number (times are numbers of seconds).</source>
        <translation>Start_Time“%1”不是数字（时间以秒数表示）。</translation>
    </message>
    <message>
        <source>End_Time &quot;%1&quot; is not a number (times are numbers of seconds).</source>
        <translation>End_Time“%1”不是数字（时间以秒数表示）。</translation>
    </message>
</context>
<context>
    <name>Cal500CsvWriter</name>
    <message>
        <source>Cannot write %1: the labels of %2 are incomplete.</source>
        <translation>无法写入 %1：%2 的标注不完整。</translation>
    </message>
</context>
<context>
    <name>CatalogueCsvReader</name>
    <message>
        <source>%1 is empty: a catalogue starts with the header file,start,end,tag,value,source,confidence,curator,modified.</source>
        <translation>%1 为空：目录文件应以表头 file,start,end,tag,value,source,confidence,curator,modified 开头。</translation>
    </message>
    <message>
        <source>the header has no &quot;%1&quot; column.</source>
        <translation>表头中没有“%1”列。</translation>
    </message>
    <message>
        <source>the row has %1 fields; the header has %2.</source>
        <translation>该行有 %1 个字段；表头有 %2 个。</translation>
    </message>
    <message>
        <source>the file field is empty.</source>
        <translation>file 字段为空。</translation>
    </message>
    <message>
        <source>the tag field is empty.</source>
        <translation>tag 字段为空。</translation>
    </message>
    <message>
        <source>start &quot;%1&quot; is not a number.</source>
        <translation>start“%1”不是数字。</translation>
    </message>
    <message>
        <source>end &quot;%1&quot; is not a number.</source>
        <translation>end“%1”不是数字。</translation>
    </message>
    <message>
        <source>value &quot;%1&quot; must be 0 or 1.</source>
        <translation>value“%1”必须为 0 或 1。</translation>
    </message>
    <message>
        <source>confidence &quot;%1&quot; is not a number from 0 to 1.</source>
        <translation>confidence“%1”不是 0 到 1 之间的数字。</translation>
    </message>
    <message>
        <source>modified &quot;%1&quot; is not an ISO 8601 date and time.</source>
        <translation>modified“%1”不是 ISO 8601 日期时间。</translation>
    </message>
    <message>
        <source>source &quot;%1&quot; must be &quot;curator&quot; or &quot;model:&lt;version&gt;&quot;.</source>
        <translation>source“%1”必须为“curator”或“model:&lt;version&gt;”。</translation>
    </message>
    <message>
        <source>a second %1 row for %2, %3-%4 s, tag &quot;%5&quot; (the first is on line %6).</source>
        <translation>%2 在 %3-%4 s、标签“%5”处出现第二条%1记录（第一条在第 %6 行）。</translation>
    </message>
    <message>
        <source>curator</source>
        <translation>审校者</translation>
    </message>
    <message>
        <source>model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>%1 has predictions of two model versions (&quot;%2&quot; and &quot;%3&quot;); a catalogue may hold one per track.</source>
        <translation>%1 含有两个模型版本的预测（“%2”和“%3”）；目录中每个曲目只能有一个模型版本。</translation>
    </message>
    <message>
        <source>%1 holds a header but no rows.</source>
        <translation>%1 只有表头，没有数据行。</translation>
    </message>
</context>
<context>
    <name>CatalogueCsvWriter</name>
    <message>
        <source>Cannot write %1: the labels of %2 are incomplete.</source>
        <translation>无法写入 %1：%2 的标注不完整。</translation>
    </message>
</context>
<context>
    <name>CellNavigator</name>
    <message>
        <source>%1 is missing (moved or deleted?); relink the library to find it again.</source>
        <translation>%1 缺失（已被移动或删除？）；请重新关联曲库以再次找到它。</translation>
    </message>
    <message>
        <source>That segment of %1 is gone: the track was re-segmented since (refresh the list).</source>
        <translation>%1 的该片段已不存在：此后该曲目已重新分段（请刷新列表）。</translation>
    </message>
    <message>
        <source>The lane of %1 shows no tags.</source>
        <translation>%1 的标签泳道未显示任何标签。</translation>
    </message>
</context>
<context>
    <name>ChunkedInferenceRunner</name>
    <message>
        <source>The job names no audio file and holds no audio.</source>
        <translation>该任务既未指定音频文件，也不含音频。</translation>
    </message>
</context>
<context>
    <name>ClipCnn</name>
    <message>
        <source>There are no training clips.</source>
        <translation>没有训练切片。</translation>
    </message>
    <message>
        <source>training</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>validation</source>
        <translation>验证</translation>
    </message>
    <message>
        <source>The validation clips differ in shape or tags from the training clips.</source>
        <translation>验证切片与训练切片的形状或标签不同。</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <source>Training the clip CNN failed: %1</source>
        <translation>训练切片 CNN 失败：%1</translation>
    </message>
    <message>
        <source>The clip CNN has not been trained.</source>
        <translation>切片 CNN 尚未训练。</translation>
    </message>
    <message>
        <source>test</source>
        <translation>测试</translation>
    </message>
    <message>
        <source>The clips have another shape or tag count than the clip CNN was trained on.</source>
        <translation>这些切片的形状或标签数与训练切片 CNN 时所用的不同。</translation>
    </message>
    <message>
        <source>The clip CNN failed: %1</source>
        <translation>切片 CNN 运行失败：%1</translation>
    </message>
</context>
<context>
    <name>ClipStudy</name>
    <message>
        <source>The clip length must be %1 frames (the front end&apos;s long-term frame).</source>
        <translation>切片长度必须为 %1 帧（即前端的长时帧）。</translation>
    </message>
</context>
<context>
    <name>ColorLegend</name>
    <message>
        <source>dB</source>
        <translation>dB</translation>
    </message>
</context>
<context>
    <name>ContentHash</name>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>无法读取 %1：%2</translation>
    </message>
    <message>
        <source>Cannot read %1: the file ended early or could not be read (%2).</source>
        <translation>无法读取 %1：文件提前结束或无法读取（%2）。</translation>
    </message>
</context>
<context>
    <name>CsvCursor</name>
    <message>
        <source>a quoted field is never closed</source>
        <translation>带引号的字段没有结束引号</translation>
    </message>
    <message>
        <source>text follows a closing quote</source>
        <translation>结束引号后还有文字</translation>
    </message>
    <message>
        <source>a quote inside an unquoted field</source>
        <translation>未加引号的字段中出现引号</translation>
    </message>
</context>
<context>
    <name>DataFolder</name>
    <message>
        <source>%1 was left in %2: %3 already exists.</source>
        <translation>%1 留在了 %2：%3 已存在。</translation>
    </message>
    <message>
        <source>%1 could not be moved from %2 to %3; it stays where it was.</source>
        <translation>无法将 %1 从 %2 移到 %3；它保留在原处。</translation>
    </message>
    <message>
        <source>Moved %1 from %2 to %3.</source>
        <translation>已将 %1 从 %2 移到 %3。</translation>
    </message>
</context>
<context>
    <name>DistillAgreement</name>
    <message>
        <source>No audio files to compare the models on.</source>
        <translation>没有可用于比较模型的音频文件。</translation>
    </message>
    <message>
        <source>The teacher takes %1 Hz and the student %2 Hz; they cannot tag the same segments.</source>
        <translation>教师模型的采样率为 %1 Hz，学生模型为 %2 Hz；二者无法为相同的片段打标签。</translation>
    </message>
    <message>
        <source>The segment length must be at least one sample.</source>
        <translation>片段长度至少为一个采样。</translation>
    </message>
    <message>
        <source>The student (%1) shares no tag with the teacher (%2).</source>
        <translation>学生模型（%1）与教师模型（%2）没有共同的标签。</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <source>%1: the teacher failed: %2</source>
        <translation>%1：教师模型失败：%2</translation>
    </message>
    <message>
        <source>%1: the student failed: %2</source>
        <translation>%1：学生模型失败：%2</translation>
    </message>
</context>
<context>
    <name>Distillation</name>
    <message>
        <source>The file list %1 does not exist or is not a file.</source>
        <translation>文件列表 %1 不存在或不是文件。</translation>
    </message>
    <message>
        <source>The file list %1 could not be read: %2</source>
        <translation>无法读取文件列表 %1：%2</translation>
    </message>
    <message>
        <source>%1, line %2: the audio file %3 does not exist.</source>
        <translation>%1，第 %2 行：音频文件 %3 不存在。</translation>
    </message>
    <message>
        <source>The file list %1 names no audio file.</source>
        <translation>文件列表 %1 中没有任何音频文件。</translation>
    </message>
    <message>
        <source>The hop between teacher windows must be at least one sample.</source>
        <translation>教师模型的窗口步长至少为一个采样。</translation>
    </message>
    <message>
        <source>%1 holds no audio.</source>
        <translation>%1 不含音频。</translation>
    </message>
    <message>
        <source>%1: the teacher failed: %2</source>
        <translation>%1：教师模型失败：%2</translation>
    </message>
    <message>
        <source>%1: the teacher gave %2 outputs for %3 windows of %4 tags.</source>
        <translation>%1：对于 %3 个窗口、%4 个标签，教师模型给出了 %2 个输出。</translation>
    </message>
    <message>
        <source>The window audio %1.f32 could not be written: %2</source>
        <translation>无法写入窗口音频 %1.f32：%2</translation>
    </message>
    <message>
        <source>The teacher targets %1 could not be written: %2</source>
        <translation>无法写入教师目标 %1：%2</translation>
    </message>
    <message>
        <source>The teacher targets %1 could not be read: %2</source>
        <translation>无法读取教师目标 %1：%2</translation>
    </message>
    <message>
        <source>The teacher targets %1 are not valid JSON: %2</source>
        <translation>教师目标 %1 不是有效的 JSON：%2</translation>
    </message>
    <message>
        <source>%1 is not a Taglane teacher-target file of format version %2.</source>
        <translation>%1 不是格式版本为 %2 的 Taglane 教师目标文件。</translation>
    </message>
    <message>
        <source>The teacher targets %1 are inconsistent (tags, windows and outputs do not agree).</source>
        <translation>教师目标 %1 不一致（标签、窗口与输出不吻合）。</translation>
    </message>
    <message>
        <source>The teacher targets %1 hold a value outside [0, 1].</source>
        <translation>教师目标 %1 中有超出 [0, 1] 的值。</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a trainable architecture.</source>
        <translation>“%1”不是可训练的架构。</translation>
    </message>
    <message>
        <source>The %1 architecture takes sequences; a student must take single windows.</source>
        <translation>%1 架构接受序列输入；学生模型必须接受单个窗口。</translation>
    </message>
    <message>
        <source>The student needs at least one tag.</source>
        <translation>学生模型至少需要一个标签。</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <source>%1 is reserved for evaluation (wesnoth-1.16-music); it must never be trained, validated or tuned on.</source>
        <translation>%1 保留用于评估（wesnoth-1.16-music）；绝不能用于训练、验证或调参。</translation>
    </message>
    <message>
        <source>The teacher targets of %1 are at %2 Hz; the %3 student takes %4 Hz.</source>
        <translation>%1 的教师目标采样率为 %2 Hz；%3 学生模型要求 %4 Hz。</translation>
    </message>
    <message>
        <source>The teacher targets of %1 have a hop of %2 samples, not a multiple of the student&apos;s STFT hop (%3).</source>
        <translation>%1 的教师目标步长为 %2 个采样，不是学生模型 STFT 帧移（%3）的整数倍。</translation>
    </message>
    <message>
        <source>%1 could not be read: %2</source>
        <translation>无法读取 %1：%2</translation>
    </message>
    <message>
        <source>%1 does not hold the windows of its targets; skipped.</source>
        <translation>%1 不含其目标对应的窗口；已跳过。</translation>
    </message>
    <message>
        <source>%1: %2 frames per window, not %3; skipped.</source>
        <translation>%1：每个窗口 %2 帧，而不是 %3 帧；已跳过。</translation>
    </message>
    <message>
        <source>%1 is too short to train on.</source>
        <translation>%1 太短，无法用于训练。</translation>
    </message>
    <message>
        <source>No training examples could be cut from the %1 tracks given.</source>
        <translation>无法从给定的 %1 个曲目中切出任何训练样本。</translation>
    </message>
</context>
<context>
    <name>ErnnProbe</name>
    <message>
        <source>Expected %1 values, got %2.</source>
        <translation>应有 %1 个值，实际为 %2 个。</translation>
    </message>
    <message>
        <source>A sequence needs at least two steps and one stream.</source>
        <translation>序列至少需要两个时间步和一个流。</translation>
    </message>
    <message>
        <source>A chain needs T unary scores, T states and 2 x 2 transitions.</source>
        <translation>链需要 T 个一元分数、T 个状态和 2 x 2 转移矩阵。</translation>
    </message>
    <message>
        <source>States are 0 or 1.</source>
        <translation>状态为 0 或 1。</translation>
    </message>
    <message>
        <source>A chain needs T unary scores and 2 x 2 transitions.</source>
        <translation>链需要 T 个一元分数和 2 x 2 转移矩阵。</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a MIA-ERNN variant.</source>
        <translation>“%1”不是 MIA-ERNN 变体。</translation>
    </message>
    <message>
        <source>Nothing to train on.</source>
        <translation>没有可用于训练的数据。</translation>
    </message>
    <message>
        <source>An empty state sequence.</source>
        <translation>状态序列为空。</translation>
    </message>
</context>
<context>
    <name>EvalInput</name>
    <message>
        <source>evaluation data</source>
        <translation>评估数据</translation>
    </message>
    <message>
        <source>%1: the matrix size %2 x %3 is negative.</source>
        <translation>%1：矩阵大小 %2 x %3 为负数。</translation>
    </message>
    <message>
        <source>%1: %2 scores for a %3 x %4 matrix.</source>
        <translation>%1：%3 x %4 的矩阵却有 %2 个分数。</translation>
    </message>
    <message>
        <source>%1: %2 truth values for a %3 x %4 matrix.</source>
        <translation>%1：%3 x %4 的矩阵却有 %2 个真值。</translation>
    </message>
    <message>
        <source>%1: %2 mask values for a %3 x %4 matrix.</source>
        <translation>%1：%3 x %4 的矩阵却有 %2 个掩码值。</translation>
    </message>
    <message>
        <source>%1: truth at example %2, tag %3 is %4, not 0 or 1.</source>
        <translation>%1：样本 %2、标签 %3 处的真值为 %4，不是 0 或 1。</translation>
    </message>
    <message>
        <source>%1: the score at example %2, tag %3 is not a finite number.</source>
        <translation>%1：样本 %2、标签 %3 处的分数不是有限数。</translation>
    </message>
</context>
<context>
    <name>EvaluationPlot</name>
    <message>
        <source>False positive rate</source>
        <translation>假阳性率</translation>
    </message>
    <message>
        <source>True positive rate</source>
        <translation>真阳性率</translation>
    </message>
    <message>
        <source>Recall</source>
        <translation>召回率</translation>
    </message>
    <message>
        <source>Precision</source>
        <translation>精确率</translation>
    </message>
</context>
<context>
    <name>EvaluationView</name>
    <message>
        <source>n/a</source>
        <translation>不适用</translation>
    </message>
    <message>
        <source>A second model scored on the same segments, shown as &quot;before&quot;</source>
        <translation>在相同片段上评分的第二个模型，显示为“之前”</translation>
    </message>
    <message>
        <source>Folder with audio files and CAL500exp CSVs</source>
        <translation>包含音频文件和 CAL500exp CSV 的文件夹</translation>
    </message>
    <message>
        <source>&amp;Browse...</source>
        <translation>浏览(&amp;B)...</translation>
    </message>
    <message>
        <source>&amp;Evaluate</source>
        <translation>评估(&amp;E)</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Model:</source>
        <translation>模型：</translation>
    </message>
    <message>
        <source>compared with:</source>
        <translation>对比：</translation>
    </message>
    <message>
        <source>Labelled folder:</source>
        <translation>已标注的文件夹：</translation>
    </message>
    <message>
        <source>Curves of:</source>
        <translation>曲线：</translation>
    </message>
    <message>
        <source>(no other model)</source>
        <translation>（无其他模型）</translation>
    </message>
    <message>
        <source>Labelled Folder</source>
        <translation>已标注的文件夹</translation>
    </message>
    <message>
        <source>An evaluation is running already.</source>
        <translation>已有评估正在运行。</translation>
    </message>
    <message>
        <source>Choose a model to evaluate.</source>
        <translation>请选择要评估的模型。</translation>
    </message>
    <message>
        <source>Choose a folder holding audio files and their CAL500exp CSV labels.</source>
        <translation>请选择包含音频文件及其 CAL500exp CSV 标注的文件夹。</translation>
    </message>
    <message>
        <source>Evaluating %1 on %2...</source>
        <translation>正在 %2 上评估 %1...</translation>
    </message>
    <message>
        <source>The evaluation was cancelled.</source>
        <translation>评估已取消。</translation>
    </message>
    <message>
        <source>The evaluation stopped without a result.</source>
        <translation>评估已停止，未得到结果。</translation>
    </message>
    <message>
        <source>Before</source>
        <translation>之前</translation>
    </message>
    <message>
        <source>After</source>
        <translation>之后</translation>
    </message>
    <message numerus="yes">
        <source>%1 on %n track(s), %2 segments, in %3 s.</source>
        <translation>
            <numerusform>%1：%n 个曲目，%2 个片段，用时 %3 s。</numerusform>
        </translation>
    </message>
    <message>
        <source>Before: %1. After: %2.</source>
        <translation>之前：%1。之后：%2。</translation>
    </message>
    <message numerus="yes">
        <source>%n track(s), %1 segments.</source>
        <translation>
            <numerusform>%n 个曲目，%1 个片段。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) skipped or doubtful: %1</source>
        <translation>
            <numerusform>%n 个文件被跳过或存疑：%1</numerusform>
        </translation>
    </message>
    <message>
        <source>Macro (mean over tags)</source>
        <translation>宏平均（各标签的均值）</translation>
    </message>
    <message>
        <source>Micro (all cells pooled)</source>
        <translation>微平均（汇总所有单元格）</translation>
    </message>
    <message>
        <source>Macro, tags both models have</source>
        <translation>宏平均，两个模型共有的标签</translation>
    </message>
    <message>
        <source>Tag</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>Present /
absent</source>
        <translation>存在 /
不存在</translation>
    </message>
    <message>
        <source>ROC-AUC</source>
        <translation>ROC-AUC</translation>
    </message>
    <message>
        <source>PR-AUC</source>
        <translation>PR-AUC</translation>
    </message>
    <message>
        <source>F1</source>
        <translation>F1</translation>
    </message>
    <message>
        <source>%1
%2</source>
        <translation>%1
%2</translation>
    </message>
    <message>
        <source>Precision</source>
        <translation>精确率</translation>
    </message>
    <message>
        <source>Recall</source>
        <translation>召回率</translation>
    </message>
    <message>
        <source>New tag: the earlier model has no output for it</source>
        <translation>新标签：较早的模型没有此标签的输出</translation>
    </message>
    <message>
        <source>All tags (micro)</source>
        <translation>所有标签（微平均）</translation>
    </message>
    <message>
        <source>%1AUC %2</source>
        <translation>%1AUC %2</translation>
    </message>
    <message>
        <source>%1AP %2</source>
        <translation>%1AP %2</translation>
    </message>
    <message>
        <source>ROC: %1</source>
        <translation>ROC：%1</translation>
    </message>
    <message>
        <source>Precision-recall: %1</source>
        <translation>精确率-召回率：%1</translation>
    </message>
    <message>
        <source>Fewer than %1 present or absent segments: the figures of this row say little.</source>
        <translation>存在或不存在的片段少于 %1 个：这一行的数值说明不了多少。</translation>
    </message>
    <message numerus="yes">
        <source>Too few examples: %n tag(s) have fewer than %1 present or absent segments, so their figures (a ROC-AUC of 1.000 on 3 present and 1 absent, say) say little: %2.</source>
        <translation>
            <numerusform>样本太少：%n 个标签的存在或不存在片段少于 %1 个，因此它们的数值（例如 3 个存在、1 个不存在时 ROC-AUC 为 1.000）说明不了多少：%2。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ExampleBuilder</name>
    <message>
        <source>&quot;%1&quot; is not a trainable architecture (known: default, %2).</source>
        <translation>“%1”不是可训练的架构（已知：default、%2）。</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <source>%1 is too short to train on.</source>
        <translation>%1 太短，无法用于训练。</translation>
    </message>
    <message>
        <source>No training examples could be cut from the %1 tracks given.</source>
        <translation>无法从给定的 %1 个曲目中切出任何训练样本。</translation>
    </message>
    <message>
        <source>Unknown example windows &quot;%1&quot;: use fixed or novelty.</source>
        <translation>未知的样本窗口方式“%1”：请使用 fixed 或 novelty。</translation>
    </message>
    <message>
        <source>%1: no novelty segments (%2); its windows are placed at a fixed hop.</source>
        <translation>%1：未得到新颖度片段（%2）；其窗口改为按固定步长放置。</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <source>CAL500exp CSV, probabilities (one file per track)</source>
        <translation>CAL500exp CSV，概率（每个曲目一个文件）</translation>
    </message>
    <message>
        <source>CAL500exp CSV, 0/1 at the threshold (one file per track)</source>
        <translation>CAL500exp CSV，按阈值取 0/1（每个曲目一个文件）</translation>
    </message>
    <message>
        <source>Catalogue CSV (one file, one row per cell)</source>
        <translation>目录 CSV（单个文件，每个单元格一行）</translation>
    </message>
    <message>
        <source>JAMS (one file per track)</source>
        <translation>JAMS（每个曲目一个文件）</translation>
    </message>
    <message>
        <source>Export Labels</source>
        <translation>导出标注</translation>
    </message>
    <message>
        <source>Browse...</source>
        <translation>浏览...</translation>
    </message>
    <message>
        <source>Export Into</source>
        <translation>导出到</translation>
    </message>
    <message>
        <source>A model probability at or above this counts as present (hard CSV, catalogue, JAMS)</source>
        <translation>模型概率达到或超过此值即视为存在（0/1 CSV、目录、JAMS）</translation>
    </message>
    <message>
        <source>Cells the curator judged are written as 1 or 0. Segment/tag cells the curator never judged are written from the model: its probability, or present when it reaches the threshold. Cells with neither are left empty.</source>
        <translation>审校者判定过的单元格写为 1 或 0。审校者从未判定过的片段/标签单元格按模型写出：写其概率，或在达到阈值时写为存在。两者皆无的单元格留空。</translation>
    </message>
    <message>
        <source>&amp;Export</source>
        <translation>导出(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Format:</source>
        <translation>格式(&amp;F)：</translation>
    </message>
    <message>
        <source>&amp;Tracks:</source>
        <translation>曲目(&amp;T)：</translation>
    </message>
    <message>
        <source>&amp;Folder:</source>
        <translation>文件夹(&amp;F)：</translation>
    </message>
    <message>
        <source>&amp;Threshold:</source>
        <translation>阈值(&amp;T)：</translation>
    </message>
    <message>
        <source>This track</source>
        <translation>当前曲目</translation>
    </message>
    <message>
        <source>Selected library tracks (%1)</source>
        <translation>曲库中选中的曲目（%1）</translation>
    </message>
    <message>
        <source>Whole library</source>
        <translation>整个曲库</translation>
    </message>
    <message>
        <source>%1 has no segments yet; skipped.</source>
        <translation>%1 还没有片段；已跳过。</translation>
    </message>
    <message>
        <source>No track is open.</source>
        <translation>未打开任何曲目。</translation>
    </message>
    <message>
        <source>The open track has no segments yet: tag it with a model first.</source>
        <translation>打开的曲目还没有片段：请先用模型为其打标签。</translation>
    </message>
    <message>
        <source>No annotation store is open.</source>
        <translation>未打开任何标注库。</translation>
    </message>
    <message>
        <source>Cannot use the folder &quot;%1&quot;; choose another.</source>
        <translation>无法使用文件夹“%1”；请另选一个。</translation>
    </message>
    <message>
        <source>There is nothing to export.</source>
        <translation>没有可导出的内容。</translation>
    </message>
    <message numerus="yes">
        <source>Writing %n file(s)...</source>
        <translation>
            <numerusform>正在写入 %n 个文件...</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Wrote %n file(s) to %1.</source>
        <translation>
            <numerusform>已将 %n 个文件写入 %1。</numerusform>
        </translation>
    </message>
    <message>
        <source>Audacity label track (one .txt per track)</source>
        <translation>Audacity 标注轨（每个曲目一个 .txt）</translation>
    </message>
    <message>
        <source>Sonic Visualiser regions (one .sv.csv per track)</source>
        <translation>Sonic Visualiser 区域（每个曲目一个 .sv.csv）</translation>
    </message>
</context>
<context>
    <name>FeatureExtractor</name>
    <message>
        <source>A stored filter matrix can only be used for mel features, not %1.</source>
        <translation>存储的滤波器矩阵只能用于 mel 特征，不能用于 %1。</translation>
    </message>
    <message>
        <source>The mel filter matrix has %1 values; %2 FFT bins x %3 bands need %4.</source>
        <translation>mel 滤波器矩阵有 %1 个值；%2 个 FFT 频点 x %3 个频带需要 %4 个。</translation>
    </message>
    <message>
        <source>The audio is at %1 Hz but the feature settings expect %2 Hz; resample it first.</source>
        <translation>音频采样率为 %1 Hz，但特征设置要求 %2 Hz；请先重采样。</translation>
    </message>
</context>
<context>
    <name>FeatureSettings</name>
    <message>
        <source>Feature settings: the sample rate must be positive (got %1 Hz).</source>
        <translation>特征设置：采样率必须为正数（实际为 %1 Hz）。</translation>
    </message>
    <message>
        <source>Feature settings: the FFT size must be between 16 and %1 samples (got %2).</source>
        <translation>特征设置：FFT 大小必须在 16 到 %1 个采样之间（实际为 %2）。</translation>
    </message>
    <message>
        <source>Feature settings: the hop must be at least 1 sample (got %1).</source>
        <translation>特征设置：帧移至少为 1 个采样（实际为 %1）。</translation>
    </message>
    <message>
        <source>Feature settings: the number of bands must be between 1 and %1 (got %2).</source>
        <translation>特征设置：频带数必须在 1 到 %1 之间（实际为 %2）。</translation>
    </message>
    <message>
        <source>Feature settings: the frequency range must be finite numbers.</source>
        <translation>特征设置：频率范围必须为有限数。</translation>
    </message>
    <message>
        <source>Feature settings: the lowest frequency must not be negative (got %1 Hz).</source>
        <translation>特征设置：最低频率不能为负（实际为 %1 Hz）。</translation>
    </message>
    <message>
        <source>Feature settings: the lowest frequency (%1 Hz) must be below the highest (%2 Hz).</source>
        <translation>特征设置：最低频率（%1 Hz）必须低于最高频率（%2 Hz）。</translation>
    </message>
    <message>
        <source>Feature settings: the highest frequency (%1 Hz) is above the Nyquist frequency (%2 Hz at %3 Hz sampling).</source>
        <translation>特征设置：最高频率（%1 Hz）高于奈奎斯特频率（采样率 %3 Hz 时为 %2 Hz）。</translation>
    </message>
    <message>
        <source>Feature settings: the number of cepstral coefficients must be between 1 and the number of bands (%1), got %2.</source>
        <translation>特征设置：倒谱系数的个数必须在 1 到频带数（%1）之间，实际为 %2。</translation>
    </message>
    <message>
        <source>Feature settings: the delta width must be between 0 (no deltas) and 100 frames (got %1).</source>
        <translation>特征设置：差分宽度必须在 0（不计算差分）到 100 帧之间（实际为 %1）。</translation>
    </message>
    <message>
        <source>Unknown feature type &quot;%1&quot;; expected mel, erb or erb-cepstrum.</source>
        <translation>未知的特征类型“%1”；应为 mel、erb 或 erb-cepstrum。</translation>
    </message>
    <message>
        <source>Unknown mel scale &quot;%1&quot;; expected htk or slaney.</source>
        <translation>未知的 mel 刻度“%1”；应为 htk 或 slaney。</translation>
    </message>
</context>
<context>
    <name>ImportCheckpointDialog</name>
    <message>
        <source>Browse...</source>
        <translation>浏览...</translation>
    </message>
    <message>
        <source>Import Checkpoint</source>
        <translation>导入检查点</translation>
    </message>
    <message>
        <source>e.g. mtat-musicnn.pth</source>
        <translation>例如 mtat-musicnn.pth</translation>
    </message>
    <message>
        <source>one tag per line, in output order</source>
        <translation>每行一个标签，按输出顺序</translation>
    </message>
    <message>
        <source>e.g. MTAT musicnn</source>
        <translation>例如 MTAT musicnn</translation>
    </message>
    <message>
        <source>Importing...</source>
        <translation>正在导入...</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>&amp;Architecture:</source>
        <translation>架构(&amp;A)：</translation>
    </message>
    <message>
        <source>&amp;Checkpoint:</source>
        <translation>检查点(&amp;C)：</translation>
    </message>
    <message>
        <source>Choose a Checkpoint</source>
        <translation>选择检查点</translation>
    </message>
    <message>
        <source>PyTorch checkpoints (*.pth *.pt);;All files (*)</source>
        <translation>PyTorch 检查点 (*.pth *.pt);;所有文件 (*)</translation>
    </message>
    <message>
        <source>&amp;Tags file:</source>
        <translation>标签文件(&amp;T)：</translation>
    </message>
    <message>
        <source>Choose a Tags File</source>
        <translation>选择标签文件</translation>
    </message>
    <message>
        <source>Text files (*.txt *.tsv);;All files (*)</source>
        <translation>文本文件 (*.txt *.tsv);;所有文件 (*)</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>名称(&amp;N)：</translation>
    </message>
    <message>
        <source>The bundle is written to %1.</source>
        <translation>模型包将写入 %1。</translation>
    </message>
    <message>
        <source>Choose the checkpoint (.pth) file to import.</source>
        <translation>请选择要导入的检查点（.pth）文件。</translation>
    </message>
    <message>
        <source>Choose the tags file: one tag per line, in the order of the model&apos;s outputs.</source>
        <translation>请选择标签文件：每行一个标签，按模型输出的顺序排列。</translation>
    </message>
    <message>
        <source>A model bundle %1 exists already; choose another name.</source>
        <translation>模型包 %1 已存在；请另选一个名称。</translation>
    </message>
    <message>
        <source>Cannot create the model folder %1.</source>
        <translation>无法创建模型文件夹 %1。</translation>
    </message>
    <message>
        <source>The import stopped unexpectedly.</source>
        <translation>导入意外停止。</translation>
    </message>
</context>
<context>
    <name>ImportText</name>
    <message>
        <source>%1, line %2: %3</source>
        <translation>%1，第 %2 行：%3</translation>
    </message>
    <message>
        <source>%1 does not exist.</source>
        <translation>%1 不存在。</translation>
    </message>
    <message>
        <source>%1 is not a file.</source>
        <translation>%1 不是文件。</translation>
    </message>
    <message>
        <source>%1 is too large for a label file (%2 MiB; the limit is %3 MiB).</source>
        <translation>%1 作为标注文件过大（%2 MiB；上限为 %3 MiB）。</translation>
    </message>
    <message>
        <source>Cannot read %1: %2.</source>
        <translation>无法读取 %1：%2。</translation>
    </message>
    <message>
        <source>the file holds a NUL byte (is it a text file?)</source>
        <translation>文件中含有 NUL 字节（它是文本文件吗？）</translation>
    </message>
    <message>
        <source>the text is not valid UTF-8</source>
        <translation>文本不是有效的 UTF-8</translation>
    </message>
</context>
<context>
    <name>InferenceController</name>
    <message>
        <source>Open a track before tagging it.</source>
        <translation>请先打开曲目，再为其打标签。</translation>
    </message>
    <message>
        <source>Select a model in the model panel first.</source>
        <translation>请先在模型面板中选择一个模型。</translation>
    </message>
    <message>
        <source>Tagged %1 with %2 on %3 in %4 s (model %5 s, inference %6 s).</source>
        <translation>已在 %3 上用 %2 为 %1 打标签，用时 %4 s（加载模型 %5 s，推理 %6 s）。</translation>
    </message>
    <message>
        <source>The track is shorter than one model chunk; the model heard silence after its end.</source>
        <translation>曲目短于一个模型块；模型在曲目结束后听到的是静音。</translation>
    </message>
</context>
<context>
    <name>InferenceRunner</name>
    <message>
        <source>%1 has no valid sample rate.</source>
        <translation>%1 没有有效的采样率。</translation>
    </message>
    <message>
        <source>The job names no audio file and holds no audio.</source>
        <translation>该任务既未指定音频文件，也不含音频。</translation>
    </message>
    <message>
        <source>%1 holds no audio.</source>
        <translation>%1 不含音频。</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <source>The model returned %1 rows for %2 chunks of %3.</source>
        <translation>对于 %3 的 %2 个块，模型返回了 %1 行。</translation>
    </message>
    <message>
        <source>the track</source>
        <translation>该曲目</translation>
    </message>
    <message>
        <source>%1 (version %2)</source>
        <translation>%1（版本 %2）</translation>
    </message>
    <message>
        <source>The model %1 gave NaN or infinite probabilities for %2 (the chunk at %3 s).</source>
        <translation>模型 %1 对 %2 给出了 NaN 或无穷大的概率（位于 %3 秒的块）。</translation>
    </message>
    <message>
        <source>The model %1 gave NaN or infinite probabilities for %2.</source>
        <translation>模型 %1 对 %2 给出了 NaN 或无穷大的概率。</translation>
    </message>
    <message>
        <source>Cannot find novelty segments in %1: %2</source>
        <translation>无法在 %1 中查找新颖度片段：%2</translation>
    </message>
</context>
<context>
    <name>JamsReader</name>
    <message>
        <source>JSON syntax error: %1.</source>
        <translation>JSON 语法错误：%1。</translation>
    </message>
    <message>
        <source>a JAMS file is a JSON object.</source>
        <translation>JAMS 文件应为一个 JSON 对象。</translation>
    </message>
    <message>
        <source>missing, or not an array.</source>
        <translation>缺失，或不是数组。</translation>
    </message>
    <message>
        <source>an annotation must be an object.</source>
        <translation>注释必须是对象。</translation>
    </message>
    <message>
        <source>namespace &quot;%1&quot; skipped (only tag_open is read).</source>
        <translation>已跳过命名空间“%1”（只读取 tag_open）。</translation>
    </message>
    <message>
        <source>predictions of a second model version (&quot;%1&quot; after &quot;%2&quot;); import one model version at a time.</source>
        <translation>出现第二个模型版本的预测（“%2”之后的“%1”）；请一次只导入一个模型版本。</translation>
    </message>
    <message>
        <source>%1 has %2 rows for %3 segments.</source>
        <translation>%1 有 %2 行，而片段有 %3 个。</translation>
    </message>
    <message>
        <source>a tag must be a non-empty string.</source>
        <translation>标签必须是非空字符串。</translation>
    </message>
    <message>
        <source>a segment is [start, end] in seconds.</source>
        <translation>片段的格式为 [start, end]，单位为秒。</translation>
    </message>
    <message>
        <source>start</source>
        <translation>开始时间</translation>
    </message>
    <message>
        <source>end</source>
        <translation>结束时间</translation>
    </message>
    <message>
        <source>%1 values for %2 tags.</source>
        <translation>%1 个值对应 %2 个标签。</translation>
    </message>
    <message>
        <source>a verdict is 1, 0 or null.</source>
        <translation>判定值为 1、0 或 null。</translation>
    </message>
    <message>
        <source>a probability is a number from 0 to 1, or null.</source>
        <translation>概率为 0 到 1 之间的数字，或 null。</translation>
    </message>
    <message>
        <source>the time, duration and value columns differ in length.</source>
        <translation>time、duration 和 value 列的长度不一致。</translation>
    </message>
    <message>
        <source>time and duration must be numbers.</source>
        <translation>time 和 duration 必须是数字。</translation>
    </message>
    <message>
        <source>value must be a tag name.</source>
        <translation>value 必须是标签名。</translation>
    </message>
    <message>
        <source>duration %1 is not positive.</source>
        <translation>时长 %1 不是正数。</translation>
    </message>
    <message>
        <source>time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>confidence must be a number from 0 to 1.</source>
        <translation>confidence 必须是 0 到 1 之间的数字。</translation>
    </message>
    <message>
        <source>no tag_open annotation.</source>
        <translation>没有 tag_open 注释。</translation>
    </message>
    <message>
        <source>a curator&apos;s confidence is 1 (present), 0 (absent) or null.</source>
        <translation>审校者的置信度应为 1（存在）、0（不存在）或 null。</translation>
    </message>
    <message>
        <source>too many labels for one track (%1 segments x %2 tags; the limit is %3 cells).</source>
        <translation>一首曲目的标注过多（%1 个片段 × %2 个标签；上限为 %3 个单元格）。</translation>
    </message>
    <message>
        <source>the tag &quot;%1&quot; appears twice.</source>
        <translation>标签“%1”出现了两次。</translation>
    </message>
    <message>
        <source>ignored: it disagrees with the observations in data (%1); the observations were read.</source>
        <translation>已忽略：它与 data 中的观测不一致（%1）；已读取这些观测。</translation>
    </message>
</context>
<context>
    <name>JamsWriter</name>
    <message>
        <source>Cannot write %1: the labels of %2 are incomplete.</source>
        <translation>无法写入 %1：%2 的标注不完整。</translation>
    </message>
</context>
<context>
    <name>LabelAssembler</name>
    <message>
        <source>%1 holds no segments.</source>
        <translation>%1 不含任何片段。</translation>
    </message>
    <message>
        <source>%1 holds too many labels for one track (%2 segments x %3 tags; the limit is %4 cells).</source>
        <translation>%1 含有的标注对单个曲目来说过多（%2 个片段 x %3 个标签；上限为 %4 个单元格）。</translation>
    </message>
    <message>
        <source>too many labels for one track (%1 segments x %2 tags so far; the limit is %3 cells).</source>
        <translation>一首曲目的标注过多（目前 %1 个片段 × %2 个标签；上限为 %3 个单元格）。</translation>
    </message>
    <message>
        <source>%1: the segment %2-%3 s overlaps the segment %4-%5 s (a segment starts before the previous one ends).</source>
        <translation>%1：片段 %2-%3 秒与片段 %4-%5 秒重叠（一个片段在前一个结束之前开始）。</translation>
    </message>
    <message>
        <source>the segment %1-%2 s overlaps the segment %3-%4 s of line %5 (a segment starts before the previous one ends).</source>
        <translation>片段 %1-%2 秒与第 %5 行的片段 %3-%4 秒重叠（一个片段在前一个结束之前开始）。</translation>
    </message>
</context>
<context>
    <name>LabelExporter</name>
    <message>
        <source>Cannot create the folder %1.</source>
        <translation>无法创建文件夹 %1。</translation>
    </message>
    <message>
        <source>The labels of %1 are incomplete.</source>
        <translation>%1 的标注不完整。</translation>
    </message>
</context>
<context>
    <name>LabelFormats</name>
    <message>
        <source>Unknown format &apos;%1&apos; (use %2).</source>
        <translation>未知格式“%1”（请使用 %2）。</translation>
    </message>
</context>
<context>
    <name>LabelledAudioFolder</name>
    <message>
        <source>%1: the folder does not exist.</source>
        <translation>%1：文件夹不存在。</translation>
    </message>
    <message>
        <source>%1: the labels folder does not exist.</source>
        <translation>%1：标注文件夹不存在。</translation>
    </message>
    <message>
        <source>Reading %1 was cancelled.</source>
        <translation>读取 %1 已取消。</translation>
    </message>
    <message>
        <source>%1: no label file %2.csv; skipped.</source>
        <translation>%1：没有标注文件 %2.csv；已跳过。</translation>
    </message>
    <message>
        <source> Skipped.</source>
        <translation> 已跳过。</translation>
    </message>
    <message>
        <source>%1: no audio file with this stem.</source>
        <translation>%1：没有与此主文件名相同的音频文件。</translation>
    </message>
    <message>
        <source>%1: no audio file with CAL500exp labels was found.</source>
        <translation>%1：未找到带有 CAL500exp 标注的音频文件。</translation>
    </message>
    <message>
        <source>%1: the header must be Start_Time,End_Time followed by tags.</source>
        <translation>%1：表头必须是 Start_Time,End_Time，后跟各标签。</translation>
    </message>
    <message>
        <source>%1: %2 Skipped.</source>
        <translation>%1：%2 已跳过。</translation>
    </message>
</context>
<context>
    <name>LaneControls</name>
    <message>
        <source>Filter tags</source>
        <translation>筛选标签</translation>
    </message>
    <message>
        <source>Show only tags whose name or category contains this text</source>
        <translation>只显示名称或类别包含此文本的标签</translation>
    </message>
    <message>
        <source>Vocabulary order</source>
        <translation>词表顺序</translation>
    </message>
    <message>
        <source>By peak probability</source>
        <translation>按峰值概率</translation>
    </message>
    <message>
        <source>By mean probability</source>
        <translation>按平均概率</translation>
    </message>
    <message>
        <source>Order of the tags within each category</source>
        <translation>每个类别内标签的排列顺序</translation>
    </message>
    <message>
        <source>Cells at or above this probability are outlined; &quot;Accept suggestions&quot; marks them present</source>
        <translation>概率达到或超过此值的单元格会加上轮廓；“接受建议”会将它们标记为存在</translation>
    </message>
    <message>
        <source>Model chunks</source>
        <translation>模型块</translation>
    </message>
    <message>
        <source>Fixed windows</source>
        <translation>固定窗口</translation>
    </message>
    <message>
        <source>Novelty</source>
        <translation>新颖度</translation>
    </message>
    <message>
        <source>Edited</source>
        <translation>已编辑</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>Window length of fixed segments (3 to 16 s)</source>
        <translation>固定片段的窗口长度（3 到 16 s）</translation>
    </message>
    <message>
        <source>Threshold</source>
        <translation>阈值</translation>
    </message>
    <message>
        <source>Segments</source>
        <translation>片段</translation>
    </message>
    <message>
        <source>All tags</source>
        <translation>全部标签</translation>
    </message>
    <message>
        <source>Show every tag of the vocabulary; otherwise the lane shows the model&apos;s tags and the tags with verdicts</source>
        <translation>显示词表中的每个标签；否则泳道只显示模型的标签和有判定的标签</translation>
    </message>
    <message>
        <source>Strongest</source>
        <translation>最强</translation>
    </message>
    <message>
        <source>Mean</source>
        <translation>平均</translation>
    </message>
    <message>
        <source>Zoomed out, each pixel column shows the strongest or the mean probability of the segments under it</source>
        <translation>缩小视图时，每一列像素显示其下各片段的最强概率或平均概率</translation>
    </message>
    <message>
        <source>The one segmentation of this track, used by every model: &quot;Model chunks&quot; follows the chunk grid of the model that tags now; &quot;Fixed windows&quot; and &quot;Novelty&quot; keep their segments whatever model runs, each segment getting the overlap-weighted mean of the model&apos;s chunks; &quot;Edited&quot; once segments were split, merged or moved by hand. Changing it carries verdicts over by overlap (undoable).</source>
        <translation>此曲目唯一的分段方式，所有模型共用：“模型块”沿用当前打标签模型的块网格；“固定窗口”和“新颖度”无论运行哪个模型都保留其片段，每个片段取模型各块按重叠加权的均值；手动拆分、合并或移动片段后为“已编辑”。更改分段时会按重叠沿用判定（可撤销）。</translation>
    </message>
</context>
<context>
    <name>LaneLegend</name>
    <message>
        <source>p(tag)</source>
        <translation>p(标签)</translation>
    </message>
    <message>
        <source>present</source>
        <translation>存在</translation>
    </message>
    <message>
        <source>absent</source>
        <translation>不存在</translation>
    </message>
    <message>
        <source>Tag probability colours; the white mark is the threshold (cells at or above it get a white frame). Green with a check: present; red with a cross: absent (curator verdicts).</source>
        <translation>标签概率颜色；白色标记为阈值（达到或超过阈值的单元格带白色边框）。绿色带勾：存在；红色带叉：不存在（审校者判定）。</translation>
    </message>
</context>
<context>
    <name>LdaModel</name>
    <message>
        <source>An LDA corpus needs at least one document and one word (got %1 x %2).</source>
        <translation>LDA 语料至少需要一个文档和一个词（实际为 %1 x %2）。</translation>
    </message>
    <message>
        <source>The LDA corpus holds %1 values; %2 documents of %3 words need %4.</source>
        <translation>LDA 语料有 %1 个值；%2 个文档 x %3 个词需要 %4 个。</translation>
    </message>
    <message>
        <source>The LDA corpus has no words: every cell is zero.</source>
        <translation>LDA 语料中没有词：每个单元格都为零。</translation>
    </message>
    <message>
        <source>The LDA model has not been fitted.</source>
        <translation>LDA 模型尚未拟合。</translation>
    </message>
    <message>
        <source>The document has %1 tag weights; the LDA model knows %2 tags.</source>
        <translation>该文档有 %1 个标签权重；而 LDA 模型有 %2 个标签。</translation>
    </message>
</context>
<context>
    <name>LibraryAddController</name>
    <message>
        <source>%1 does not exist.</source>
        <translation>%1 不存在。</translation>
    </message>
    <message numerus="yes">
        <source>Added %n track(s)</source>
        <translation>
            <numerusform>已添加 %n 个曲目</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n already in the library</source>
        <translation>
            <numerusform>%n 个已在曲库中</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n moved file(s) found again</source>
        <translation>
            <numerusform>重新找到 %n 个被移动的文件</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n copy(ies) of tracks already there</source>
        <translation>
            <numerusform>%n 个文件是已有曲目的副本</numerusform>
        </translation>
    </message>
    <message>
        <source>No audio files were found.</source>
        <translation>未找到任何音频文件</translation>
    </message>
    <message numerus="yes">
        <source>; %n could not be added: %1</source>
        <translation>
            <numerusform>；%n 个无法添加：%1</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>LibraryBuilder</name>
    <message>
        <source>%1 does not exist.</source>
        <translation>%1 不存在。</translation>
    </message>
    <message>
        <source>%1 is not a file.</source>
        <translation>%1 不是文件。</translation>
    </message>
    <message>
        <source>%1 cannot be read (permission denied).</source>
        <translation>无法读取 %1（权限被拒绝）。</translation>
    </message>
</context>
<context>
    <name>LibraryCatalogue</name>
    <message>
        <source>Cannot read %1 from the annotation store %2: %3</source>
        <translation>无法从标注库 %2 读取 %1：%3</translation>
    </message>
</context>
<context>
    <name>LibraryIntake</name>
    <message>
        <source>%1 does not exist.</source>
        <translation>%1 不存在。</translation>
    </message>
    <message>
        <source>%1 is not a file.</source>
        <translation>%1 不是文件。</translation>
    </message>
    <message>
        <source>%1 cannot be read (permission denied).</source>
        <translation>无法读取 %1（权限被拒绝）。</translation>
    </message>
    <message>
        <source>%1 was not read (no content hash).</source>
        <translation>未读取 %1（没有内容哈希）。</translation>
    </message>
</context>
<context>
    <name>LibraryModel</name>
    <message>
        <source>never</source>
        <translation>从未</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>时长</translation>
    </message>
    <message>
        <source>Segments</source>
        <translation>片段</translation>
    </message>
    <message>
        <source>Reviewed</source>
        <translation>已审校</translation>
    </message>
    <message>
        <source>Last edit</source>
        <translation>最后编辑</translation>
    </message>
    <message>
        <source>missing</source>
        <translation>缺失</translation>
    </message>
    <message>
        <source>changed</source>
        <translation>已更改</translation>
    </message>
    <message>
        <source>present</source>
        <translation>存在</translation>
    </message>
    <message>
        <source>The file is not at %1. Add its new folder to the library to find it again.</source>
        <translation>文件不在 %1。请将其新文件夹添加到曲库以再次找到它。</translation>
    </message>
    <message>
        <source>The file at %1 holds other content now.</source>
        <translation>位于 %1 的文件现在的内容已不同。</translation>
    </message>
    <message>
        <source>Highest mean probability over the segments, by %1</source>
        <translation>各片段平均概率最高的标签（由 %1 给出）</translation>
    </message>
    <message>
        <source>Tagged by</source>
        <translation>打标签模型</translation>
    </message>
    <message>
        <source>Top tags</source>
        <translation>主要标签</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
</context>
<context>
    <name>LibraryShard</name>
    <message>
        <source>&apos;%1&apos; is not a shard: write I/N, the I-th of N shards, for instance 2/8.</source>
        <translation>&apos;%1&apos; 不是分片：请写成 I/N，即 N 个分片中的第 I 个，例如 2/8。</translation>
    </message>
    <message>
        <source>The number of shards in &apos;%1&apos; must be from 1 to %2.</source>
        <translation>&apos;%1&apos; 中的分片数必须在 1 到 %2 之间。</translation>
    </message>
    <message>
        <source>The shard in &apos;%1&apos; must be from 1 to %2 (shards count from 1).</source>
        <translation>&apos;%1&apos; 中的分片序号必须在 1 到 %2 之间（分片从 1 开始计数）。</translation>
    </message>
</context>
<context>
    <name>LibraryTagController</name>
    <message>
        <source>The library is being tagged already; pause, resume or cancel that run.</source>
        <translation>曲库已在打标签中；请暂停、继续或取消该运行。</translation>
    </message>
    <message>
        <source>Tagging the library needs an annotation store open for writing.</source>
        <translation>为曲库打标签需要以可写方式打开的标注库。</translation>
    </message>
    <message>
        <source>Select a model in the Models dock to tag the library with.</source>
        <translation>请在模型面板中选择用于为曲库打标签的模型。</translation>
    </message>
    <message>
        <source>the annotation store was closed</source>
        <translation>标注库已关闭</translation>
    </message>
    <message>
        <source>Tag Library: every track is tagged with %1 already.</source>
        <translation>为曲库打标签：每个曲目都已用 %1 打过标签。</translation>
    </message>
    <message numerus="yes">
        <source>Tag Library: tagged %1 of %n track(s) with %2</source>
        <translation>
            <numerusform>为曲库打标签：已用 %2 为 %n 个曲目中的 %1 个打了标签</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>; %n skipped</source>
        <translation>
            <numerusform>；跳过 %n 个</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>; %n failed</source>
        <translation>
            <numerusform>；失败 %n 个</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>LibraryTagSteps</name>
    <message>
        <source>the file is missing (add its new folder to the library if it moved)</source>
        <translation>文件缺失（如果文件被移动，请将其新文件夹添加到曲库）</translation>
    </message>
    <message>
        <source>the file holds other content now (add it to the library again as a new track)</source>
        <translation>文件现在的内容已不同（请将其作为新曲目再次添加到曲库）</translation>
    </message>
    <message>
        <source>%1 (%2), %3</source>
        <translation>%1（%2），%3</translation>
    </message>
    <message>
        <source>The annotation store %1 cannot take the tags of %2.</source>
        <translation>标注库 %1 无法接收 %2 的标签。</translation>
    </message>
    <message>
        <source>The model gave %1 values per segment for %2 tags.</source>
        <translation>模型为每个片段给出了 %1 个值，而标签有 %2 个。</translation>
    </message>
    <message>
        <source>The model gave no segment of %1.</source>
        <translation>模型未给出 %1 的任何片段。</translation>
    </message>
    <message>
        <source>The annotation store %1 is not writable.</source>
        <translation>标注库 %1 不可写。</translation>
    </message>
</context>
<context>
    <name>LibraryTaskPanel</name>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Go on tagging the library</source>
        <translation>继续为曲库打标签</translation>
    </message>
    <message>
        <source>Hold after the track under way</source>
        <translation>在当前曲目完成后暂停</translation>
    </message>
</context>
<context>
    <name>LibraryView</name>
    <message>
        <source>Only tracks with a segment judged for this tag</source>
        <translation>只显示对此标签有已判定片段的曲目</translation>
    </message>
    <message>
        <source>any verdict</source>
        <translation>任意判定</translation>
    </message>
    <message>
        <source>present</source>
        <translation>存在</translation>
    </message>
    <message>
        <source>absent</source>
        <translation>不存在</translation>
    </message>
    <message>
        <source>not reviewed</source>
        <translation>未审校</translation>
    </message>
    <message>
        <source>Tag:</source>
        <translation>标签：</translation>
    </message>
    <message>
        <source>any tag</source>
        <translation>任意标签</translation>
    </message>
    <message>
        <source>No annotation store is open.</source>
        <translation>未打开任何标注库。</translation>
    </message>
    <message numerus="yes">
        <source>%n track(s), %1 h of audio</source>
        <translation>
            <numerusform>%n 个曲目，共 %1 h 音频</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 is missing. Add the folder it moved to (File &gt; Add Folder to Library) to find it again; its verdicts are kept.</source>
        <translation>%1 缺失。请添加它被移到的文件夹（文件 &gt; 添加文件夹到曲库）以再次找到它；其判定会被保留。</translation>
    </message>
    <message>
        <source>Search, e.g. strings &gt;= 0.8 and not strings curated</source>
        <translation>搜索，例如 strings &gt;= 0.8 and not strings curated</translation>
    </message>
    <message>
        <source>Only tracks with a segment that matches. Conditions: TAG &gt;= 0.8 (also &gt; &lt; &lt;= = !=), [TAG] curated [present|absent], [TAG] curator = NAME; combine with and, or, not and parentheses. Press Enter to apply.</source>
        <translation>仅显示含有匹配片段的曲目。条件：TAG &gt;= 0.8（也可用 &gt; &lt; &lt;= = !=）、[TAG] curated [present|absent]、[TAG] curator = NAME；可用 and、or、not 和括号组合。按 Enter 应用。</translation>
    </message>
    <message>
        <source>Saved</source>
        <translation>已保存</translation>
    </message>
    <message>
        <source>Saved searches (also those saved in the Search dock)</source>
        <translation>已保存的搜索（包括在搜索面板中保存的）</translation>
    </message>
    <message>
        <source>Save Search...</source>
        <translation>保存搜索...</translation>
    </message>
    <message>
        <source>Save the search under a name</source>
        <translation>以名称保存此搜索</translation>
    </message>
    <message>
        <source>Search:</source>
        <translation>搜索：</translation>
    </message>
    <message>
        <source>Search: %1</source>
        <translation>搜索：%1</translation>
    </message>
    <message>
        <source>Saved the search as &quot;%1&quot;.</source>
        <translation>已将搜索保存为“%1”。</translation>
    </message>
    <message>
        <source>Type a search first, then save it.</source>
        <translation>请先输入搜索内容，然后再保存。</translation>
    </message>
    <message>
        <source>Save Search</source>
        <translation>保存搜索</translation>
    </message>
    <message>
        <source>Name of the search:</source>
        <translation>搜索名称：</translation>
    </message>
    <message>
        <source>No saved searches</source>
        <translation>没有已保存的搜索</translation>
    </message>
    <message>
        <source>Show All Tracks</source>
        <translation>显示所有曲目</translation>
    </message>
    <message numerus="yes">
        <source>, %n missing</source>
        <translation>
            <numerusform>，%n 个缺失</numerusform>
        </translation>
    </message>
    <message>
        <source> matching the search</source>
        <translation>，与搜索匹配</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Taglane</source>
        <translation>Taglane</translation>
    </message>
    <message>
        <source>Opening %1 was cancelled.</source>
        <translation>打开 %1 已取消。</translation>
    </message>
    <message>
        <source>%1 opened with warnings: %2</source>
        <translation>已打开 %1，但有警告：%2</translation>
    </message>
    <message numerus="yes">
        <source>Tagging with %1 on %2: %n segment(s)...</source>
        <translation>
            <numerusform>正在 %2 上用 %1 打标签：%n 个片段...</numerusform>
        </translation>
    </message>
    <message>
        <source>Tagging was cancelled.</source>
        <translation>打标签已取消。</translation>
    </message>
    <message>
        <source>Tagging Failed</source>
        <translation>打标签失败</translation>
    </message>
    <message>
        <source>The track could not be tagged.</source>
        <translation>无法为该曲目打标签。</translation>
    </message>
    <message>
        <source>Cannot Save</source>
        <translation>无法保存</translation>
    </message>
    <message>
        <source>An edit could not be saved to the annotation store.</source>
        <translation>有一项编辑无法保存到标注库。</translation>
    </message>
    <message>
        <source>Annotation Store</source>
        <translation>标注库</translation>
    </message>
    <message>
        <source>Taglane could not open its annotation store; labels will not be saved.</source>
        <translation>Taglane 无法打开其标注库；标注将不会被保存。</translation>
    </message>
    <message>
        <source>The annotation store is open read-only: your edits will not be saved.</source>
        <translation>标注库以只读方式打开：您的编辑将不会被保存。</translation>
    </message>
    <message>
        <source>The annotation store was damaged and has been replaced by a new one.</source>
        <translation>标注库已损坏，已用一个新的标注库替换。</translation>
    </message>
    <message>
        <source> (read-only store)</source>
        <translation> (只读标注库)</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Now Playing</source>
        <translation>正在播放</translation>
    </message>
    <message>
        <source>Library</source>
        <translation>曲库</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Open...</source>
        <translation>打开(&amp;O)...</translation>
    </message>
    <message>
        <source>Open an audio file</source>
        <translation>打开音频文件</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Export...</source>
        <translation>导出(&amp;E)...</translation>
    </message>
    <message>
        <source>&amp;Import Checkpoint...</source>
        <translation>导入检查点(&amp;I)...</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>重做(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Vocabulary...</source>
        <translation>词表(&amp;V)...</translation>
    </message>
    <message>
        <source>&amp;Tag Track</source>
        <translation>为曲目打标签(&amp;T)</translation>
    </message>
    <message>
        <source>Tag the open track with the selected model (Ctrl+T)</source>
        <translation>用所选模型为打开的曲目打标签（Ctrl+T）</translation>
    </message>
    <message>
        <source>&amp;Cancel Tagging</source>
        <translation>取消打标签(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Model</source>
        <translation>模型(&amp;M)</translation>
    </message>
    <message>
        <source>&amp;Refresh Models</source>
        <translation>刷新模型(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Playback</source>
        <translation>播放(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About Taglane</source>
        <translation>关于 Taglane(&amp;A)</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>关于 Qt(&amp;Q)</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>主工具栏</translation>
    </message>
    <message>
        <source>Cursor position / track length</source>
        <translation>光标位置 / 曲目长度</translation>
    </message>
    <message>
        <source>Open an audio file (Ctrl+O) or drop one here.</source>
        <translation>打开音频文件（Ctrl+O），或将文件拖放到此处。</translation>
    </message>
    <message>
        <source>Decoding %p%</source>
        <translation>解码中 %p%</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Stop opening this file</source>
        <translation>停止打开此文件</translation>
    </message>
    <message>
        <source>Tagging %p%</source>
        <translation>打标签中 %p%</translation>
    </message>
    <message>
        <source>Stop tagging; the rows computed so far stay in the lane</source>
        <translation>停止打标签；已计算出的行会保留在标签泳道中</translation>
    </message>
    <message>
        <source>Open a track before tagging it.</source>
        <translation>请先打开曲目，再为其打标签。</translation>
    </message>
    <message>
        <source>Audio files (%1)</source>
        <translation>音频文件 (%1)</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>所有文件 (*)</translation>
    </message>
    <message>
        <source>Open Audio File</source>
        <translation>打开音频文件</translation>
    </message>
    <message>
        <source>Opening %1...</source>
        <translation>正在打开 %1...</translation>
    </message>
    <message>
        <source>Taglane - %1</source>
        <translation>Taglane - %1</translation>
    </message>
    <message>
        <source>Opened %1 in %2 s.</source>
        <translation>已打开 %1，用时 %2 s。</translation>
    </message>
    <message>
        <source>Cannot Open File</source>
        <translation>无法打开文件</translation>
    </message>
    <message>
        <source>Taglane could not open %1.</source>
        <translation>Taglane 无法打开 %1。</translation>
    </message>
    <message>
        <source>&amp;Clear List</source>
        <translation>清空列表(&amp;C)</translation>
    </message>
    <message>
        <source>About Taglane</source>
        <translation>关于 Taglane</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Taglane %1&lt;/h3&gt;&lt;p&gt;A workstation for time-varying music tags: waveform, Mel and ERB spectrograms, a tag lane, playback, and model-assisted labelling.&lt;/p&gt;&lt;p&gt;Licensed under the GNU General Public License, version 3 or later.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Taglane %1&lt;/h3&gt;&lt;p&gt;时变音乐标签工作站：波形、Mel 和 ERB 频谱图、标签泳道、播放，以及模型辅助标注。&lt;/p&gt;&lt;p&gt;依据 GNU 通用公共许可证第 3 版或更高版本授权。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Import &amp;Labels...</source>
        <translation>导入标注(&amp;L)...</translation>
    </message>
    <message>
        <source>Import Labels</source>
        <translation>导入标注</translation>
    </message>
    <message>
        <source>Labels can only be imported into a writable annotation store.</source>
        <translation>只能将标注导入可写的标注库。</translation>
    </message>
    <message>
        <source>CAL500exp segment CSV (*.csv)</source>
        <translation>CAL500exp 片段 CSV (*.csv)</translation>
    </message>
    <message>
        <source>Catalogue CSV (*.csv)</source>
        <translation>目录 CSV (*.csv)</translation>
    </message>
    <message>
        <source>JAMS (*.jams *.json)</source>
        <translation>JAMS (*.jams *.json)</translation>
    </message>
    <message>
        <source>Audacity label track (*.txt)</source>
        <translation>Audacity 标注轨 (*.txt)</translation>
    </message>
    <message>
        <source>Sonic Visualiser regions (*.csv)</source>
        <translation>Sonic Visualiser 区域 (*.csv)</translation>
    </message>
    <message numerus="yes">
        <source>Reading %n label file(s)...</source>
        <translation>
            <numerusform>正在读取 %n 个标注文件...</numerusform>
        </translation>
    </message>
    <message>
        <source>Nothing was imported.</source>
        <translation>未导入任何内容。</translation>
    </message>
    <message numerus="yes">
        <source>Nothing was imported: %n problem(s) were found.</source>
        <translation>
            <numerusform>未导入任何内容：发现 %n 个问题。</numerusform>
        </translation>
    </message>
    <message>
        <source>The labels could not be stored.</source>
        <translation>无法存储这些标注。</translation>
    </message>
    <message numerus="yes">
        <source>Imported labels for %n track(s).</source>
        <translation>
            <numerusform>已为 %n 个曲目导入标注。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n line(s) were skipped.</source>
        <translation>
            <numerusform>跳过了 %n 行。</numerusform>
        </translation>
    </message>
    <message>
        <source>Re&amp;train Model...</source>
        <translation>重新训练模型(&amp;T)...</translation>
    </message>
    <message>
        <source>Fine-tune the selected model on your curated verdicts (Ctrl+Shift+R)</source>
        <translation>用您审校过的判定微调所选模型（Ctrl+Shift+R）</translation>
    </message>
    <message>
        <source>E&amp;valuate Model...</source>
        <translation>评估模型(&amp;V)...</translation>
    </message>
    <message>
        <source>Per-tag metrics and ROC / precision-recall curves of a model on a labelled folder</source>
        <translation>模型在已标注文件夹上的各标签指标及 ROC / 精确率-召回率曲线</translation>
    </message>
    <message>
        <source>Roll &amp;Back to Parent Version</source>
        <translation>回退到父版本(&amp;B)</translation>
    </message>
    <message>
        <source>The selected model was not retrained from a listed version.</source>
        <translation>所选模型不是基于列表中的某个版本重新训练的。</translation>
    </message>
    <message>
        <source>New model version saved in %1.</source>
        <translation>新的模型版本已保存到 %1。</translation>
    </message>
    <message>
        <source>Retraining the model in the background...</source>
        <translation>正在后台重新训练模型...</translation>
    </message>
    <message>
        <source>Use Model</source>
        <translation>使用模型</translation>
    </message>
    <message>
        <source>The new model version is not listed in the model panel.</source>
        <translation>新的模型版本未列在模型面板中。</translation>
    </message>
    <message>
        <source>Re-tagging the open track with the new model...</source>
        <translation>正在用新模型为打开的曲目重新打标签...</translation>
    </message>
    <message>
        <source>Evaluate Model</source>
        <translation>评估模型</translation>
    </message>
    <message>
        <source>Quit Taglane</source>
        <translation>退出 Taglane</translation>
    </message>
    <message>
        <source>A retrain is running. Cancel it and quit? Nothing of it will be kept.</source>
        <translation>正在重新训练。要取消并退出吗？其结果将不会保留。</translation>
    </message>
    <message>
        <source>Edits are being saved again; the edits that failed were not saved.</source>
        <translation>编辑又能保存了；之前保存失败的编辑没有被保存。</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message numerus="yes">
        <source>%n label file(s) could not be saved; nothing of them was kept.</source>
        <translation>
            <numerusform>%n 个标注文件无法保存；其中的内容都未保留。</numerusform>
        </translation>
    </message>
    <message>
        <source>Saving the imported labels...</source>
        <translation>正在保存导入的标注...</translation>
    </message>
    <message>
        <source>Related &amp;Tags...</source>
        <translation>相关标签(&amp;T)...</translation>
    </message>
    <message>
        <source>Which tags of different vocabularies mean the same thing</source>
        <translation>不同词表中哪些标签含义相同</translation>
    </message>
    <message>
        <source>The store&apos;s tags could not be read again: %1</source>
        <translation>无法重新读取标注库的标签：%1</translation>
    </message>
    <message>
        <source>Add Folder to &amp;Library...</source>
        <translation>添加文件夹到曲库(&amp;L)...</translation>
    </message>
    <message>
        <source>Add every audio file under a folder to the library (Ctrl+Shift+O)</source>
        <translation>将某个文件夹下的所有音频文件添加到曲库（Ctrl+Shift+O）</translation>
    </message>
    <message>
        <source>Tag &amp;Library</source>
        <translation>为曲库打标签(&amp;L)</translation>
    </message>
    <message>
        <source>Tag every library track that the selected model has not tagged, in the background (Ctrl+Shift+T)</source>
        <translation>在后台为所选模型尚未打过标签的每个曲库曲目打标签（Ctrl+Shift+T）</translation>
    </message>
    <message>
        <source>Stop adding; the files added so far stay in the library</source>
        <translation>停止添加；已添加的文件保留在曲库中</translation>
    </message>
    <message>
        <source>Stop tagging the library; finished tracks stay tagged, and Tag Library goes on from there next time</source>
        <translation>停止为曲库打标签；已完成的曲目保留其标签，下次“为曲库打标签”会从此处继续</translation>
    </message>
    <message>
        <source>Adding to library:</source>
        <translation>正在添加到曲库：</translation>
    </message>
    <message>
        <source>Adding was cancelled. %1</source>
        <translation>添加已取消。%1</translation>
    </message>
    <message>
        <source>Tag Library paused:</source>
        <translation>为曲库打标签已暂停：</translation>
    </message>
    <message>
        <source>Tag Library:</source>
        <translation>为曲库打标签：</translation>
    </message>
    <message>
        <source>Tag Library: loading the model...</source>
        <translation>为曲库打标签：正在加载模型...</translation>
    </message>
    <message numerus="yes">
        <source>Tagging %n library track(s) with %1</source>
        <translation>
            <numerusform>正在用 %1 为 %n 个曲库曲目打标签</numerusform>
        </translation>
    </message>
    <message>
        <source>Tag Library was cancelled; it goes on from here next time. %1</source>
        <translation>为曲库打标签已取消；下次会从此处继续。%1</translation>
    </message>
    <message>
        <source>Tag Library</source>
        <translation>为曲库打标签</translation>
    </message>
    <message>
        <source>The library could not be tagged.</source>
        <translation>无法为曲库打标签。</translation>
    </message>
    <message>
        <source>Add Folder to Library</source>
        <translation>添加文件夹到曲库</translation>
    </message>
    <message>
        <source>Files are being added to the library already; wait for that or cancel it.</source>
        <translation>已有文件正在添加到曲库；请等待其完成或将其取消。</translation>
    </message>
    <message>
        <source>The annotation store is not open for writing; nothing can be added to the library.</source>
        <translation>标注库未以可写方式打开；无法向曲库添加任何内容。</translation>
    </message>
    <message>
        <source>Select a model in the Models dock to tag the library with.</source>
        <translation>请在模型面板中选择用于为曲库打标签的模型。</translation>
    </message>
    <message>
        <source>Tag Library tagged the open track.</source>
        <translation>“为曲库打标签”已为打开的曲目打了标签。</translation>
    </message>
    <message>
        <source>Review Queue</source>
        <translation>审校队列</translation>
    </message>
    <message>
        <source>%1: is &quot;%2&quot; present here? Y present, N absent, Backspace clear, . skip</source>
        <translation>%1：“%2”在此处存在吗？Y 存在，N 不存在，Backspace 清除，. 跳过</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>搜索</translation>
    </message>
</context>
<context>
    <name>ModelBundle</name>
    <message>
        <source>The model bundle %1 does not exist.</source>
        <translation>模型包 %1 不存在。</translation>
    </message>
    <message>
        <source>%1 is not a model bundle (a bundle is a folder holding manifest.json and weights.pt).</source>
        <translation>%1 不是模型包（模型包是包含 manifest.json 和 weights.pt 的文件夹）。</translation>
    </message>
    <message>
        <source>The model bundle %1 has no manifest.json.</source>
        <translation>模型包 %1 没有 manifest.json。</translation>
    </message>
    <message>
        <source>%1 cannot be read: %2</source>
        <translation>无法读取 %1：%2</translation>
    </message>
    <message>
        <source>%1 is not valid JSON: %2</source>
        <translation>%1 不是有效的 JSON：%2</translation>
    </message>
    <message>
        <source>%1 does not hold a JSON object.</source>
        <translation>%1 不包含 JSON 对象。</translation>
    </message>
    <message>
        <source>The model bundle %1 has no weights.pt.</source>
        <translation>模型包 %1 没有 weights.pt。</translation>
    </message>
    <message>
        <source>No folder was given for the model bundle.</source>
        <translation>未指定模型包的文件夹。</translation>
    </message>
    <message>
        <source>The model bundle %1 was not written: the weights are empty.</source>
        <translation>未写入模型包 %1：权重为空。</translation>
    </message>
    <message>
        <source>%1 exists and is not a folder; the model bundle was not written.</source>
        <translation>%1 已存在且不是文件夹；未写入模型包。</translation>
    </message>
    <message>
        <source>The folder %1 could not be created.</source>
        <translation>无法创建文件夹 %1。</translation>
    </message>
    <message>
        <source>A temporary folder could not be created in %1.</source>
        <translation>无法在 %1 中创建临时文件夹。</translation>
    </message>
    <message>
        <source>The model bundle %1 could not be written: %2</source>
        <translation>无法写入模型包 %1：%2</translation>
    </message>
    <message>
        <source>The existing model bundle %1 could not be replaced.</source>
        <translation>无法替换现有的模型包 %1。</translation>
    </message>
    <message>
        <source>The model bundle %1 could not be moved into place.</source>
        <translation>无法将模型包 %1 移动到位。</translation>
    </message>
</context>
<context>
    <name>ModelEvaluator</name>
    <message>
        <source>The calibration does not match the tags of %1.</source>
        <translation>校准结果与 %1 的标签不匹配。</translation>
    </message>
    <message>
        <source>%1 has no output bias with one entry per tag.</source>
        <translation>%1 没有每个标签各对应一项的输出偏置。</translation>
    </message>
    <message>
        <source>The bias of %1 could not be calibrated: %2</source>
        <translation>无法校准 %1 的偏置：%2</translation>
    </message>
</context>
<context>
    <name>ModelFolders</name>
    <message>
        <source>your models</source>
        <translation>您的模型</translation>
    </message>
    <message>
        <source>TAGLANE_MODEL_PATH</source>
        <translation>TAGLANE_MODEL_PATH</translation>
    </message>
    <message>
        <source>bundled</source>
        <translation>内置</translation>
    </message>
</context>
<context>
    <name>ModelListModel</name>
    <message>
        <source>%1 (unreadable)</source>
        <translation>%1（无法读取）</translation>
    </message>
    <message>
        <source>%1  [%2, %3 tags]</source>
        <translation>%1  [%2，%3 个标签]</translation>
    </message>
    <message>
        <source>%1
(%2)</source>
        <translation>%1
（%2）</translation>
    </message>
    <message>
        <source>retrained from %1</source>
        <translation>基于 %1 重新训练</translation>
    </message>
    <message>
        <source>Retrained from %1</source>
        <translation>基于 %1 重新训练</translation>
    </message>
    <message>
        <source>Retrained from version %1 (not found)</source>
        <translation>基于版本 %1 重新训练（未找到该版本）</translation>
    </message>
</context>
<context>
    <name>ModelManifest</name>
    <message>
        <source>%1 is not a Taglane model manifest (&quot;format&quot; is &quot;%2&quot;).</source>
        <translation>%1 不是 Taglane 模型清单（“format”为“%2”）。</translation>
    </message>
    <message>
        <source>%1 has manifest format version %2; this Taglane reads version %3 and earlier.</source>
        <translation>%1 的清单格式版本为 %2；此版本的 Taglane 只能读取 %3 及更早版本。</translation>
    </message>
    <message>
        <source>%1 names no architecture.</source>
        <translation>%1 未指定架构。</translation>
    </message>
    <message>
        <source>%1: tag %2 has no name.</source>
        <translation>%1：标签 %2 没有名称。</translation>
    </message>
    <message>
        <source>%1 lists no tags.</source>
        <translation>%1 未列出任何标签。</translation>
    </message>
    <message>
        <source>%1 has no valid sample rate (&quot;sampleRate&quot; must be a whole number of Hz from %2 to %3).</source>
        <translation>%1 的采样率无效（“sampleRate”必须是 %2 到 %3 之间的整数赫兹）。</translation>
    </message>
    <message>
        <source>%1 has no valid chunk length (&quot;chunkSamples&quot; must be a whole number of samples from 1 to %2, one hour at %3 Hz).</source>
        <translation>%1 的块长度无效（“chunkSamples”必须是 1 到 %2 之间的整数采样数，即 %3 Hz 下的一小时）。</translation>
    </message>
    <message>
        <source>%1: &quot;features&quot; is not a JSON object.</source>
        <translation>%1：“features”不是 JSON 对象。</translation>
    </message>
</context>
<context>
    <name>ModelPanel</name>
    <message>
        <source>&amp;Import checkpoint...</source>
        <translation>导入检查点(&amp;I)...</translation>
    </message>
    <message>
        <source>Turn a published PyTorch checkpoint (.pth) into a Taglane model bundle</source>
        <translation>将已发布的 PyTorch 检查点（.pth）转换为 Taglane 模型包</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Look for model bundles again</source>
        <translation>重新查找模型包</translation>
    </message>
    <message>
        <source>Chunks per forward pass; larger is faster on a GPU and uses more memory</source>
        <translation>每次前向传播处理的块数；数值越大在 GPU 上越快，占用内存也越多</translation>
    </message>
    <message>
        <source>Tag track</source>
        <translation>为曲目打标签</translation>
    </message>
    <message>
        <source>Segments:</source>
        <translation>片段：</translation>
    </message>
    <message>
        <source>Batch size:</source>
        <translation>批大小：</translation>
    </message>
    <message>
        <source>Device:</source>
        <translation>设备：</translation>
    </message>
    <message>
        <source>automatic (CUDA when available, else CPU)</source>
        <translation>自动（有 CUDA 时用 CUDA，否则用 CPU）</translation>
    </message>
    <message>
        <source>&lt;p&gt;No model selected. Taglane looks for NAME.tlmodel folders in:&lt;/p&gt;&lt;p&gt;%1&lt;/p&gt;&lt;p&gt;Import a published checkpoint to make one.&lt;/p&gt;</source>
        <translation>&lt;p&gt;未选择模型。Taglane 在以下位置查找 NAME.tlmodel 文件夹：&lt;/p&gt;&lt;p&gt;%1&lt;/p&gt;&lt;p&gt;导入已发布的检查点即可生成一个。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;%1&lt;/b&gt; cannot be used:&lt;/p&gt;&lt;p&gt;%2&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;%1&lt;/b&gt; 无法使用：&lt;/p&gt;&lt;p&gt;%2&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Architecture</source>
        <translation>架构</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <source>Parent</source>
        <translation>父版本</translation>
    </message>
    <message>
        <source>none (imported)</source>
        <translation>无（导入）</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>Chunk length</source>
        <translation>块长度</translation>
    </message>
    <message>
        <source>%1 samples (%2 s)</source>
        <translation>%1 个采样（%2 s）</translation>
    </message>
    <message>
        <source>Sample rate</source>
        <translation>采样率</translation>
    </message>
    <message>
        <source>%1 Hz</source>
        <translation>%1 Hz</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <source>Found in</source>
        <translation>所在位置</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;Training&lt;/b&gt;&lt;br&gt;%1&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;训练&lt;/b&gt;&lt;br&gt;%1&lt;/p&gt;</translation>
    </message>
    <message>
        <source>no summary</source>
        <translation>无摘要</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;Metrics&lt;/b&gt;&lt;br&gt;%1&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;指标&lt;/b&gt;&lt;br&gt;%1&lt;/p&gt;</translation>
    </message>
    <message>
        <source>none recorded</source>
        <translation>未记录</translation>
    </message>
    <message>
        <source>Co&amp;mpare...</source>
        <translation>比较(&amp;M)...</translation>
    </message>
    <message>
        <source>Evaluate the selected version next to the one it was retrained from on a labelled folder</source>
        <translation>在已标注的文件夹上评估所选版本，并与其重新训练所基于的版本对比</translation>
    </message>
    <message>
        <source>Roll &amp;Back</source>
        <translation>回退(&amp;B)</translation>
    </message>
    <message>
        <source>Switch back to the version the selected one was retrained from</source>
        <translation>切换回所选版本重新训练所基于的版本</translation>
    </message>
    <message>
        <source>Retrain...</source>
        <translation>重新训练...</translation>
    </message>
    <message>
        <source>Switch back to %1, the version this one was retrained from</source>
        <translation>切换回 %1，即此版本重新训练所基于的版本</translation>
    </message>
    <message>
        <source>The selected model was not retrained from a listed version</source>
        <translation>所选模型不是基于列表中的某个版本重新训练的</translation>
    </message>
    <message>
        <source>&lt;p&gt;Retrained from &lt;b&gt;%1&lt;/b&gt;.&lt;/p&gt;</source>
        <translation>&lt;p&gt;基于 &lt;b&gt;%1&lt;/b&gt; 重新训练。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>none (trained from scratch)</source>
        <translation>无（从头训练）</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;%1&lt;/b&gt; cannot be used: its weights do not load.&lt;/p&gt;&lt;p&gt;%2&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;%1&lt;/b&gt; 无法使用：其权重无法加载。&lt;/p&gt;&lt;p&gt;%2&lt;/p&gt;</translation>
    </message>
    <message>
        <source>none (imported from %1)</source>
        <translation>无（导入自 %1）</translation>
    </message>
    <message>
        <source>as chosen in the lane bar (Segments): model chunks follow the model that tags; fixed windows and novelty stay whatever model runs</source>
        <translation>按泳道栏（片段）中的选择：模型块跟随打标签的模型；固定窗口和新颖度无论运行哪个模型都保持不变</translation>
    </message>
</context>
<context>
    <name>MultiLabelLogistic</name>
    <message>
        <source>The baseline got %1 feature values and %2 labels for %3 examples of %4 features and %5 tags.</source>
        <translation>基线模型收到 %1 个特征值和 %2 个标注值，但数据为 %3 个样本、每个样本 %4 个特征和 %5 个标签。</translation>
    </message>
    <message>
        <source>Feature %1 of example %2 is not a finite number.</source>
        <translation>样本 %2 的特征 %1 不是有限数。</translation>
    </message>
</context>
<context>
    <name>NowPlayingPanel</name>
    <message>
        <source>The tags the model hears most strongly at the playback cursor</source>
        <translation>在播放光标处模型听到的最强的标签</translation>
    </message>
    <message>
        <source>At %1 (segment %2 - %3)</source>
        <translation>位于 %1（片段 %2 - %3）</translation>
    </message>
    <message>
        <source>Tag the track (Ctrl+T) to see what the model hears here.</source>
        <translation>为曲目打标签（Ctrl+T），即可查看模型在此处听到了什么。</translation>
    </message>
</context>
<context>
    <name>OverviewStrip</name>
    <message>
        <source>The whole track: drag the marked window to scroll, click to centre the view there</source>
        <translation>整个曲目：拖动标记的窗口可滚动，单击可将视图居中到该处</translation>
    </message>
    <message>
        <source>Overview</source>
        <translation>概览</translation>
    </message>
</context>
<context>
    <name>PlaybackController</name>
    <message>
        <source>No audio output device was found; playback is unavailable.</source>
        <translation>未找到音频输出设备；无法播放。</translation>
    </message>
    <message>
        <source>The audio output device &quot;%1&quot; offers no usable format; playback is unavailable.</source>
        <translation>音频输出设备“%1”不提供可用的格式；无法播放。</translation>
    </message>
    <message>
        <source>The audio output device &quot;%1&quot; could not be opened; playback is unavailable.</source>
        <translation>无法打开音频输出设备“%1”；无法播放。</translation>
    </message>
    <message>
        <source>Audio output failed (error %1); playback stopped.</source>
        <translation>音频输出失败（错误 %1）；播放已停止。</translation>
    </message>
</context>
<context>
    <name>RetrainController</name>
    <message>
        <source>A retrain is running already; wait for it or cancel it.</source>
        <translation>已有重新训练正在进行；请等待其完成或将其取消。</translation>
    </message>
    <message>
        <source>There are no curated segments to retrain on. Review some segments (present or absent) first.</source>
        <translation>没有可用于重新训练的已审校片段。请先审校一些片段（存在或不存在）。</translation>
    </message>
    <message>
        <source>The new model version cannot be written to %1: the folder exists already.</source>
        <translation>无法将新的模型版本写入 %1：该文件夹已存在。</translation>
    </message>
    <message>
        <source>The model folder %1 cannot be created.</source>
        <translation>无法创建模型文件夹 %1。</translation>
    </message>
    <message>
        <source>The retrain stopped without a result.</source>
        <translation>重新训练已停止，未得到结果。</translation>
    </message>
</context>
<context>
    <name>RetrainDialog</name>
    <message>
        <source>Retrain Model</source>
        <translation>重新训练模型</translation>
    </message>
    <message>
        <source>&lt;b&gt;Retrain %1&lt;/b&gt;&lt;br&gt;Fine-tunes the current model on your curated verdicts and writes a new version to your models folder. Part of the curated segments is held out to compare the two versions.</source>
        <translation>&lt;b&gt;重新训练 %1&lt;/b&gt;&lt;br&gt;用您审校过的判定微调当前模型，并将新版本写入您的模型文件夹。部分已审校片段会被留出，用于比较两个版本。</translation>
    </message>
    <message>
        <source>&amp;Start Retrain</source>
        <translation>开始重新训练(&amp;S)</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>&amp;Cancel Retrain</source>
        <translation>取消重新训练(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Use New Model</source>
        <translation>使用新模型(&amp;U)</translation>
    </message>
    <message>
        <source>Make the new version the current model (and tag the open track with it)</source>
        <translation>将新版本设为当前模型（并用它为打开的曲目打标签）</translation>
    </message>
    <message>
        <source>&amp;Keep Current</source>
        <translation>保留当前模型(&amp;K)</translation>
    </message>
    <message>
        <source>Keep using the current model; the new version stays in your models folder</source>
        <translation>继续使用当前模型；新版本保留在您的模型文件夹中</translation>
    </message>
    <message>
        <source>All tracks in the library</source>
        <translation>曲库中的所有曲目</translation>
    </message>
    <message>
        <source>Only the tracks selected in the library (none is selected)</source>
        <translation>仅曲库中选中的曲目（当前未选中任何曲目）</translation>
    </message>
    <message numerus="yes">
        <source>Only the %n track(s) selected in the library</source>
        <translation>
            <numerusform>仅曲库中选中的 %n 个曲目</numerusform>
        </translation>
    </message>
    <message>
        <source>Tag</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>Present</source>
        <translation>存在</translation>
    </message>
    <message>
        <source>Absent</source>
        <translation>不存在</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>Passes over the curated segments; training stops early when the held-out loss stops improving</source>
        <translation>遍历已审校片段的轮数；留出集损失不再改善时提前停止训练</translation>
    </message>
    <message>
        <source> %</source>
        <translation> %</translation>
    </message>
    <message>
        <source>Share of the curated segments of each tag kept out of training to compare the two versions</source>
        <translation>每个标签的已审校片段中不参与训练、用于比较两个版本的比例</translation>
    </message>
    <message>
        <source>New version:</source>
        <translation>新版本：</translation>
    </message>
    <message>
        <source>Epochs:</source>
        <translation>轮数：</translation>
    </message>
    <message>
        <source>Held out:</source>
        <translation>留出：</translation>
    </message>
    <message>
        <source>Learn from the curated segments of:</source>
        <translation>学习以下范围内的已审校片段：</translation>
    </message>
    <message>
        <source>Preparing...</source>
        <translation>正在准备...</translation>
    </message>
    <message>
        <source>Held-out metrics</source>
        <translation>留出集指标</translation>
    </message>
    <message>
        <source>Loss curve</source>
        <translation>损失曲线</translation>
    </message>
    <message>
        <source>No annotation store is open, so there are no curated labels to learn from.</source>
        <translation>未打开标注库，因此没有可供学习的审校标注。</translation>
    </message>
    <message>
        <source>new tag: the output layer grows</source>
        <translation>新标签：输出层随之扩展</translation>
    </message>
    <message>
        <source>no curated segments (kept as it is)</source>
        <translation>没有已审校片段（保持不变）</translation>
    </message>
    <message>
        <source>only %1 examples: no before/after figure</source>
        <translation>仅有 %1 个样本：不给出前后对比数值</translation>
    </message>
    <message>
        <source>absent</source>
        <translation>不存在</translation>
    </message>
    <message>
        <source>present</source>
        <translation>存在</translation>
    </message>
    <message numerus="yes">
        <source>%n curated segment(s)</source>
        <translation>
            <numerusform>%n 个已审校片段</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>on %n track(s).</source>
        <translation>
            <numerusform>分布在 %n 个曲目中。</numerusform>
        </translation>
    </message>
    <message>
        <source>New tags grow the model&apos;s output layer: %1.</source>
        <translation>新标签会扩展模型的输出层：%1。</translation>
    </message>
    <message>
        <source>Preparing the curated segments (reading audio, computing features)...</source>
        <translation>正在准备已审校片段（读取音频、计算特征）...</translation>
    </message>
    <message>
        <source>Preparing %p%</source>
        <translation>正在准备 %p%</translation>
    </message>
    <message>
        <source>Reading the curated tracks and computing what the current model hears in them: %1 of %2 (%3 s)</source>
        <translation>正在读取已审校的曲目并计算当前模型从中听到的内容：第 %1 个，共 %2 个（%3 s）</translation>
    </message>
    <message>
        <source>Training %p%</source>
        <translation>正在训练 %p%</translation>
    </message>
    <message>
        <source>Epoch %1 of %2, step %3 of %4: training loss %5</source>
        <translation>第 %1/%2 轮，第 %3/%4 步：训练损失 %5</translation>
    </message>
    <message>
        <source>, held-out loss %1 after epoch %2</source>
        <translation>，第 %2 轮后的留出集损失 %1</translation>
    </message>
    <message>
        <source> (%1 s)</source>
        <translation> (%1 s)</translation>
    </message>
    <message>
        <source>Before</source>
        <translation>之前</translation>
    </message>
    <message>
        <source>After</source>
        <translation>之后</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; was trained on %2 curated segments in %3 s; %4 held-out segments compare it with the current model below (&quot;n/a&quot;: the current model has no output for that tag).</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; 已在 %2 个已审校片段上训练完成，用时 %3 s；下方用 %4 个留出片段将其与当前模型比较（“不适用”：当前模型没有该标签的输出）。</translation>
    </message>
    <message>
        <source>New tags: %1.</source>
        <translation>新标签：%1。</translation>
    </message>
    <message>
        <source>Saved as %1</source>
        <translation>已保存为 %1</translation>
    </message>
    <message>
        <source>The retrain failed: %1</source>
        <translation>重新训练失败：%1</translation>
    </message>
    <message>
        <source>The retrain was cancelled; no new version was written.</source>
        <translation>重新训练已取消；未写入新版本。</translation>
    </message>
    <message>
        <source>A retrain is running. Cancel it? Nothing of it will be kept.</source>
        <translation>正在重新训练。要取消吗？其结果将不会保留。</translation>
    </message>
    <message>
        <source>Cancelling...</source>
        <translation>正在取消...</translation>
    </message>
    <message>
        <source>related: %1</source>
        <translation>相关：%1</translation>
    </message>
    <message>
        <source>Verdicts of related tags count for the model&apos;s tag: %1.</source>
        <translation>相关标签的判定计入模型的标签：%1。</translation>
    </message>
</context>
<context>
    <name>RetrainLossPlot</name>
    <message>
        <source>Epoch</source>
        <translation>轮次</translation>
    </message>
    <message>
        <source>Training objective</source>
        <translation>训练目标函数</translation>
    </message>
    <message>
        <source>Held-out loss</source>
        <translation>留出集损失</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Held out (right axis)</source>
        <translation>留出集（右轴）</translation>
    </message>
</context>
<context>
    <name>RetrainPlan</name>
    <message>
        <source>The current model cannot be read: %1</source>
        <translation>无法读取当前模型：%1</translation>
    </message>
    <message>
        <source>Select the model to retrain in the model panel first.</source>
        <translation>请先在模型面板中选择要重新训练的模型。</translation>
    </message>
    <message>
        <source>%1 is a %2 model, which Taglane can use but not train (imported models keep their published weights). Select a Taglane model, such as the default one, to retrain.</source>
        <translation>%1 是 %2 模型，Taglane 可以使用但不能训练它（导入的模型保留其发布时的权重）。请选择一个 Taglane 模型（例如默认模型）进行重新训练。</translation>
    </message>
    <message>
        <source>No curated segments: mark segments present or absent in the tag lane (or import labels) before retraining.</source>
        <translation>没有已审校片段：重新训练前，请先在标签泳道中将片段标记为存在或不存在（或导入标注）。</translation>
    </message>
</context>
<context>
    <name>Retrainer</name>
    <message>
        <source>The annotation store is not open.</source>
        <translation>标注库未打开。</translation>
    </message>
    <message>
        <source>The annotation store %1 has no track with id %2.</source>
        <translation>标注库 %1 中没有 ID 为 %2 的曲目。</translation>
    </message>
    <message>
        <source>The base model could not be read: %1</source>
        <translation>无法读取基础模型：%1</translation>
    </message>
    <message>
        <source>The model %1 is a &quot;%2&quot; model, which Taglane can use but not retrain; retrain a model of one of Taglane&apos;s own architectures (%3).</source>
        <translation>模型 %1 是“%2”模型，Taglane 可以使用但不能重新训练它；请重新训练采用 Taglane 自有架构（%3）之一的模型。</translation>
    </message>
    <message>
        <source>No output folder was given for the retrained model.</source>
        <translation>未指定重新训练后模型的输出文件夹。</translation>
    </message>
    <message>
        <source>The output folder %1 already exists; choose a new folder for the retrained model.</source>
        <translation>输出文件夹 %1 已存在；请为重新训练后的模型另选一个新文件夹。</translation>
    </message>
    <message>
        <source>The hold-out share must be at least 0 and below 1 (got %1).</source>
        <translation>留出比例必须不小于 0 且小于 1（实际为 %1）。</translation>
    </message>
    <message>
        <source>The model %1 cannot be retrained.</source>
        <translation>模型 %1 无法重新训练。</translation>
    </message>
    <message>
        <source>The new model&apos;s tags do not start with the base model&apos;s tags in order; rows are matched by name.</source>
        <translation>新模型的标签并非以基础模型的标签按原顺序开头；各行将按名称匹配。</translation>
    </message>
    <message>
        <source>There are no curated segments to learn from: mark tags present or absent in some segments first (none of the %1 tracks given has a verdict on the model&apos;s tags).</source>
        <translation>没有可供学习的已审校片段：请先在一些片段中将标签标记为存在或不存在（给定的 %1 个曲目中没有任何曲目对该模型的标签有判定）。</translation>
    </message>
    <message>
        <source>No curated segment was held out, so there is no before/after comparison.</source>
        <translation>没有留出任何已审校片段，因此无法进行前后对比。</translation>
    </message>
    <message>
        <source>%1 is too short to learn from.</source>
        <translation>%1 太短，无法用于学习。</translation>
    </message>
    <message>
        <source>None of the curated tracks could be read: %1</source>
        <translation>无法读取任何已审校的曲目：%1</translation>
    </message>
    <message>
        <source>Every curated segment was held out or lies where no window could be cut; curate more segments or lower the hold-out share.</source>
        <translation>所有已审校片段都已被留出，或位于无法切出窗口的位置；请审校更多片段或降低留出比例。</translation>
    </message>
    <message>
        <source>The new tag &quot;%1&quot; has no curated verdict outside the hold-out; its output learns nothing.</source>
        <translation>新标签“%1”在留出集之外没有审校判定；其输出学不到任何内容。</translation>
    </message>
    <message>
        <source>%1 (retrained)</source>
        <translation>%1（重新训练）</translation>
    </message>
    <message>
        <source>Retraining failed: %1</source>
        <translation>重新训练失败：%1</translation>
    </message>
    <message>
        <source>The number of epochs must be from 0 (the default) to 10000 (got %1).</source>
        <translation>训练轮数必须在 0（默认）到 10000 之间（实际为 %1）。</translation>
    </message>
    <message>
        <source>There are no curated tracks to learn from: mark tags present or absent in some segments first.</source>
        <translation>没有可供学习的审校过的曲目：请先在一些片段中把标签标为存在或不存在。</translation>
    </message>
</context>
<context>
    <name>ReviewCompletion</name>
    <message>
        <source>The review to complete is empty (%1 tags x %2 segments).</source>
        <translation>要补全的审校为空（%1 个标签 x %2 个片段）。</translation>
    </message>
    <message>
        <source>The review has %1 verdicts and %2 probabilities; %3 tags x %4 segments need %5 of each.</source>
        <translation>该审校有 %1 个判定和 %2 个概率；%3 个标签 x %4 个片段各需要 %5 个。</translation>
    </message>
    <message>
        <source>The side information weight must be &gt;= 0 (0 = automatic); got %1.</source>
        <translation>辅助信息权重必须 &gt;= 0（0 = 自动）；实际为 %1。</translation>
    </message>
    <message>
        <source>Verdict %1 (tag %2, segment %3) is %4; a verdict is 1, 0 or NaN (not curated).</source>
        <translation>判定 %1（标签 %2，片段 %3）为 %4；判定值应为 1、0 或 NaN（未审校）。</translation>
    </message>
    <message>
        <source>Probability %1 (tag %2, segment %3) is %4, outside [0, 1].</source>
        <translation>概率 %1（标签 %2，片段 %3）为 %4，超出 [0, 1]。</translation>
    </message>
    <message>
        <source>The cross-validation needs candidate weights and at least 2 folds.</source>
        <translation>交叉验证需要候选权重和至少 2 折。</translation>
    </message>
</context>
<context>
    <name>ReviewQueue</name>
    <message>
        <source>Unknown review strategy &quot;%1&quot;: use uncertainty, disagreement or diverse.</source>
        <translation>未知的审校策略“%1”：请使用 uncertainty、disagreement 或 diverse。</translation>
    </message>
    <message>
        <source>Cannot read the review queue from the annotation store %1: %2</source>
        <translation>无法从标注库 %1 读取审校队列：%2</translation>
    </message>
</context>
<context>
    <name>ReviewQueueModel</name>
    <message>
        <source>%1
%2, %3: p = %4</source>
        <translation>%1
%2，%3：p = %4</translation>
    </message>
    <message>
        <source> (%1)</source>
        <translation> (%1)</translation>
    </message>
    <message>
        <source>Track</source>
        <translation>曲目</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Tag</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>p</source>
        <translation>p</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>分数</translation>
    </message>
</context>
<context>
    <name>ReviewQueueView</name>
    <message>
        <source>Uncertainty</source>
        <translation>不确定性</translation>
    </message>
    <message>
        <source>Probability closest to 0.5 first</source>
        <translation>概率最接近 0.5 的优先</translation>
    </message>
    <message>
        <source>Disagreement</source>
        <translation>分歧</translation>
    </message>
    <message>
        <source>Largest spread between the model versions that scored the cell first</source>
        <translation>对该单元格评过分的各模型版本之间分歧最大的优先</translation>
    </message>
    <message>
        <source>Diverse</source>
        <translation>多样</translation>
    </message>
    <message>
        <source>Uncertain cells mixed across tracks and tags</source>
        <translation>在各曲目和标签之间混合选取的不确定单元格</translation>
    </message>
    <message>
        <source>Probabilities of this model version (default: per track the version that tagged it last)</source>
        <translation>使用此模型版本的概率（默认：每个曲目使用最后为其打标签的版本）</translation>
    </message>
    <message>
        <source>How many cells to list</source>
        <translation>要列出的单元格数量</translation>
    </message>
    <message>
        <source>No annotation store.</source>
        <translation>没有标注库。</translation>
    </message>
    <message>
        <source>&amp;Next Queued Cell</source>
        <translation>队列中的下一个单元格(&amp;N)</translation>
    </message>
    <message>
        <source>Go to the next cell of the review queue and play it (. or Ctrl+Right)</source>
        <translation>转到审校队列中的下一个单元格并播放（. 或 Ctrl+Right）</translation>
    </message>
    <message>
        <source>Present</source>
        <translation>存在</translation>
    </message>
    <message>
        <source>The tag is present in this segment; go on to the next cell (Y)</source>
        <translation>该标签在此片段中存在；继续下一个单元格（Y）</translation>
    </message>
    <message>
        <source>Absent</source>
        <translation>不存在</translation>
    </message>
    <message>
        <source>The tag is absent from this segment; go on to the next cell (N)</source>
        <translation>该标签在此片段中不存在；继续下一个单元格（N）</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <source>Clear this cell&apos;s verdict; go on to the next cell (Backspace)</source>
        <translation>清除此单元格的判定；继续下一个单元格（Backspace）</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Build the queue again from the store</source>
        <translation>从标注库重新构建队列</translation>
    </message>
    <message>
        <source>&amp;Strategy:</source>
        <translation>策略(&amp;S)：</translation>
    </message>
    <message>
        <source>&amp;Model:</source>
        <translation>模型(&amp;M)：</translation>
    </message>
    <message>
        <source>&amp;Cells:</source>
        <translation>单元格(&amp;C)：</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>下一个</translation>
    </message>
    <message>
        <source>Newest per track</source>
        <translation>每个曲目的最新版本</translation>
    </message>
    <message>
        <source>Building the queue...</source>
        <translation>正在构建队列...</translation>
    </message>
    <message>
        <source>No uncurated cell was scored by two or more model versions.</source>
        <translation>没有任何未审校单元格被两个或更多模型版本评过分。</translation>
    </message>
    <message>
        <source>No uncurated cells with predictions: tag the library first.</source>
        <translation>没有带预测的未审校单元格：请先为曲库打标签。</translation>
    </message>
    <message numerus="yes">
        <source>%n cell(s) to review, most useful first.</source>
        <translation>
            <numerusform>有 %n 个待审校的单元格，最有用的排在最前。</numerusform>
        </translation>
    </message>
    <message>
        <source>Open an annotation store first.</source>
        <translation>请先打开标注库。</translation>
    </message>
    <message>
        <source>Building the review queue...</source>
        <translation>正在构建审校队列...</translation>
    </message>
    <message>
        <source>End of the review queue; it is refreshed after each answer.</source>
        <translation>已到审校队列末尾；每次回答后都会刷新队列。</translation>
    </message>
    <message>
        <source>Go to a queued cell first (. or Ctrl+Right).</source>
        <translation>请先转到队列中的某个单元格（. 或 Ctrl+Right）。</translation>
    </message>
    <message>
        <source>%1 is still opening.</source>
        <translation>%1 仍在打开中。</translation>
    </message>
    <message>
        <source>The lane does not show %1 at %2; refresh the queue.</source>
        <translation>标签泳道未在 %2 处显示 %1；请刷新队列。</translation>
    </message>
    <message>
        <source>That was the last queued cell; the queue is being refreshed.</source>
        <translation>这是队列中的最后一个单元格；正在刷新队列。</translation>
    </message>
</context>
<context>
    <name>ReviewSuggester</name>
    <message>
        <source>The track has no segments or no tags: there is nothing to complete.</source>
        <translation>该曲目没有片段或没有标签：没有可补全的内容。</translation>
    </message>
    <message>
        <source>The label grid is inconsistent (%1 x %2 cells, %3 probabilities, %4 verdicts).</source>
        <translation>标注网格不一致（%1 x %2 个单元格，%3 个概率，%4 个判定）。</translation>
    </message>
    <message>
        <source>The track has no model predictions: tag it first (taglane-cli tag or Tag in the window).</source>
        <translation>该曲目没有模型预测：请先为其打标签（taglane-cli tag，或窗口中的“为曲目打标签”）。</translation>
    </message>
    <message>
        <source>No tag has a probability of model %1 in every unjudged segment of the current segmentation: tag the track again.</source>
        <translation>在当前分段的每个未判定片段中，没有任何标签具有模型 %1 的概率：请重新为该曲目打标签。</translation>
    </message>
    <message>
        <source>The track has no verdicts on the tags the model predicts: judge some cells first, then complete the review from them.</source>
        <translation>该曲目对模型预测的标签没有任何判定：请先判定一些单元格，再据此补全审校。</translation>
    </message>
</context>
<context>
    <name>Scattering</name>
    <message>
        <source>Scattering: out of memory while building the filter banks.</source>
        <translation>散射变换：构建滤波器组时内存不足。</translation>
    </message>
    <message>
        <source>Scattering: the audio is at %1 Hz but the transform is set up for %2 Hz; resample it first.</source>
        <translation>散射变换：音频采样率为 %1 Hz，但变换设定为 %2 Hz；请先重采样。</translation>
    </message>
    <message>
        <source>Scattering: the signal is empty.</source>
        <translation>散射变换：信号为空。</translation>
    </message>
    <message>
        <source>Scattering: the signal has %1 samples; at least %2 (one frame hop, %3 s) are needed.</source>
        <translation>散射变换：信号有 %1 个采样；至少需要 %2 个（一个帧移，%3 s）。</translation>
    </message>
    <message>
        <source>Scattering: the signal has %1 samples (%2 h); at most %3 fit in one matrix of %4 coefficients per frame. Split it.</source>
        <translation>散射变换：信号有 %1 个采样（%2 h）；每帧 %4 个系数的单个矩阵最多容纳 %3 个采样。请将其拆分。</translation>
    </message>
    <message>
        <source>Scattering: sample %1 is not a finite number.</source>
        <translation>散射变换：采样 %1 不是有限数。</translation>
    </message>
    <message>
        <source>Scattering: out of memory for a signal of %1 samples.</source>
        <translation>散射变换：处理 %1 个采样的信号时内存不足。</translation>
    </message>
</context>
<context>
    <name>ScatteringSettings</name>
    <message>
        <source>Scattering: the sample rate must be between 1 and 1000000 Hz (got %1).</source>
        <translation>散射变换：采样率必须在 1 到 1000000 Hz 之间（实际为 %1）。</translation>
    </message>
    <message>
        <source>Scattering: the averaging support T must be between %1 and %2 samples (got %3).</source>
        <translation>散射变换：平均支撑 T 必须在 %1 到 %2 个采样之间（实际为 %3）。</translation>
    </message>
    <message>
        <source>Scattering: the wavelets per octave must be between 1 and %1 (got Q1 = %2, Q2 = %3).</source>
        <translation>散射变换：每倍频程小波数必须在 1 到 %1 之间（实际为 Q1 = %2，Q2 = %3）。</translation>
    </message>
    <message>
        <source>Scattering: T = %1 samples is too short for Q1 = %2 and Q2 = %3: not even one octave of wavelets fits inside the averaging window.</source>
        <translation>散射变换：对于 Q1 = %2 和 Q2 = %3，T = %1 个采样太短：平均窗口内连一个倍频程的小波都容纳不下。</translation>
    </message>
    <message>
        <source>Scattering: the first-order octaves J must be between 1 and %1 for T = %2 samples and Q1 = %3, or 0 for that default (got %4).</source>
        <translation>散射变换：当 T = %2 个采样且 Q1 = %3 时，一阶倍频程数 J 必须在 1 到 %1 之间，或为 0 表示使用默认值（实际为 %4）。</translation>
    </message>
    <message>
        <source>Scattering: the block length must be a power of two from 8 T = %1 to %2 samples, or 0 for the default (got %3).</source>
        <translation>散射变换：块长度必须是 8 T = %1 到 %2 个采样之间的 2 的幂，或为 0 表示使用默认值（实际为 %3）。</translation>
    </message>
    <message>
        <source>Scattering: the oversampling must be from 1 to %1 (got %2).</source>
        <translation>散射变换：过采样倍数必须在 1 到 %1 之间（实际为 %2）。</translation>
    </message>
</context>
<context>
    <name>SearchResultsModel</name>
    <message>
        <source>Track</source>
        <translation>曲目</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>时长</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
</context>
<context>
    <name>SearchView</name>
    <message>
        <source>e.g. strings &gt;= 0.8 and not strings curated</source>
        <translation>例如 strings &gt;= 0.8 and not strings curated</translation>
    </message>
    <message>
        <source>Conditions: TAG &gt;= x (also &gt;, &lt;=, &lt;, =, !=) on the model&apos;s probability (a track: its mean); [TAG] curated [present|absent]; [TAG] curator = NAME. Combine them with and, or, not and parentheses; quote a tag with spaces or one that is a keyword.</source>
        <translation>条件：TAG &gt;= x（也可用 &gt;、&lt;=、&lt;、=、!=），作用于模型的概率（对曲目而言：其均值）；[TAG] curated [present|absent]；[TAG] curator = NAME。可用 and、or、not 和括号组合条件；含空格或与关键字同名的标签需加引号。</translation>
    </message>
    <message>
        <source>Segments</source>
        <translation>片段</translation>
    </message>
    <message>
        <source>Tracks</source>
        <translation>曲目</translation>
    </message>
    <message>
        <source>Match segments, or whole tracks</source>
        <translation>匹配片段，或整个曲目</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>搜索</translation>
    </message>
    <message>
        <source>Name for this search</source>
        <translation>此搜索的名称</translation>
    </message>
    <message>
        <source>Save Search</source>
        <translation>保存搜索</translation>
    </message>
    <message>
        <source>Keep this query; the Library dock offers saved searches as filters</source>
        <translation>保留此查询；曲库面板会将已保存的搜索作为筛选条件提供</translation>
    </message>
    <message>
        <source>Run a saved search</source>
        <translation>运行已保存的搜索</translation>
    </message>
    <message>
        <source>Type a query, e.g. strings &gt;= 0.8 and not strings curated</source>
        <translation>输入查询，例如 strings &gt;= 0.8 and not strings curated</translation>
    </message>
    <message>
        <source>No annotation store is open.</source>
        <translation>未打开任何标注库。</translation>
    </message>
    <message>
        <source>Searching...</source>
        <translation>正在搜索...</translation>
    </message>
    <message numerus="yes">
        <source>%n track(s) match.</source>
        <translation>
            <numerusform>%n 个曲目匹配。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n segment(s) match.</source>
        <translation>
            <numerusform>%n 个片段匹配。</numerusform>
        </translation>
    </message>
    <message>
        <source>Type a query to save.</source>
        <translation>请输入要保存的查询。</translation>
    </message>
    <message>
        <source>Saved the search &quot;%1&quot;; the Library dock offers it as a filter.</source>
        <translation>已保存搜索“%1”；曲库面板会将其作为筛选条件提供。</translation>
    </message>
    <message>
        <source>Saved searches...</source>
        <translation>已保存的搜索...</translation>
    </message>
</context>
<context>
    <name>SegmentPlayback</name>
    <message>
        <source>Play &amp;Selection</source>
        <translation>播放选区(&amp;S)</translation>
    </message>
    <message>
        <source>Play exactly the selected segments, or the segment under the cursor (P)</source>
        <translation>精确播放选中的片段，或光标所在的片段（P）</translation>
    </message>
    <message>
        <source>&amp;Loop Selection</source>
        <translation>循环播放选区(&amp;L)</translation>
    </message>
    <message>
        <source>Play the selection over and over until stopped (L)</source>
        <translation>反复播放选区，直到停止（L）</translation>
    </message>
    <message>
        <source>Play &amp;Next Segment to Review</source>
        <translation>播放下一个待审校片段(&amp;N)</translation>
    </message>
    <message>
        <source>Select and play the next segment with a suggestion that has no verdict yet (Shift+P)</source>
        <translation>选中并播放下一个带有尚未判定的建议的片段（Shift+P）</translation>
    </message>
    <message>
        <source>No segment after this one has a suggestion without a verdict.</source>
        <translation>此片段之后没有带有未判定建议的片段。</translation>
    </message>
</context>
<context>
    <name>SegmentTimes</name>
    <message>
        <source>%1 and %2 must be finite numbers.</source>
        <translation>%1 和 %2 必须是有限数。</translation>
    </message>
    <message>
        <source>%1 %2 is negative.</source>
        <translation>%1 %2 为负数。</translation>
    </message>
    <message>
        <source>%1 %2 is implausibly large (more than %3 s).</source>
        <translation>%1 %2 大得不合理（超过 %3 秒）。</translation>
    </message>
    <message>
        <source>%1 %2 is before %3 %4.</source>
        <translation>%1 %2 早于 %3 %4。</translation>
    </message>
    <message>
        <source>%1 equals %2 (%3): the segment is empty.</source>
        <translation>%1 等于 %2（%3）：该片段为空。</translation>
    </message>
    <message>
        <source>the segment %1-%2 s ends after the audio %3, which lasts %4 s.</source>
        <translation>片段 %1-%2 秒的结束晚于音频 %3 的长度 %4 秒。</translation>
    </message>
</context>
<context>
    <name>Segmentation</name>
    <message>
        <source>the segmentation</source>
        <translation>该分段</translation>
    </message>
    <message>
        <source>%1: segment %2 has an invalid span [%3, %4).</source>
        <translation>%1：片段 %2 的区间 [%3, %4) 无效。</translation>
    </message>
    <message>
        <source>%1: segment %2 starts at %3 s, before the previous one ends (%4 s).</source>
        <translation>%1：片段 %2 开始于 %3 s，早于上一个片段的结束时间（%4 s）。</translation>
    </message>
</context>
<context>
    <name>SegmentationSettings</name>
    <message>
        <source>Segment length in &quot;%1&quot; must be a number of seconds from %2 to %3.</source>
        <translation>“%1”中的片段长度必须是 %2 到 %3 之间的秒数。</translation>
    </message>
    <message>
        <source>Unknown segmentation &quot;%1&quot;: use &quot;chunk&quot;, &quot;fixed:SECONDS&quot; or &quot;novelty&quot;.</source>
        <translation>未知的分段方式“%1”：请使用“chunk”、“fixed:SECONDS”或“novelty”。</translation>
    </message>
</context>
<context>
    <name>SemanticInput</name>
    <message>
        <source>The topic model is not fitted.</source>
        <translation>主题模型尚未拟合。</translation>
    </message>
    <message>
        <source>Expected %1 tags, got %2 verdicts and %3 probabilities.</source>
        <translation>应有 %1 个标签，实际为 %2 个判定和 %3 个概率。</translation>
    </message>
    <message>
        <source>A verdict is -1, 0 or 1.</source>
        <translation>判定值为 -1、0 或 1。</translation>
    </message>
</context>
<context>
    <name>SoundfontLibrary</name>
    <message>
        <source>%1: this soundfont (%2) is reserved for independent evaluation and must never render training, validation or tuning data.</source>
        <translation>%1：此音色库（%2）保留用于独立评估，绝不能用于渲染训练、验证或调参数据。</translation>
    </message>
    <message>
        <source>An empty soundfont name was given.</source>
        <translation>给出的音色库名称为空。</translation>
    </message>
    <message>
        <source>%1: the soundfont is not installed (Debian package %2; expected at %3).</source>
        <translation>%1：音色库未安装（Debian 软件包 %2；应位于 %3）。</translation>
    </message>
    <message>
        <source>%1: the soundfont does not exist (give a path or one of: %2).</source>
        <translation>%1：音色库不存在（请给出路径或以下之一：%2）。</translation>
    </message>
    <message>
        <source>%1: the soundfont is listed twice.</source>
        <translation>%1：音色库被列出了两次。</translation>
    </message>
    <message>
        <source>No soundfont given.</source>
        <translation>未指定音色库。</translation>
    </message>
</context>
<context>
    <name>SpectrogramRange</name>
    <message>
        <source>The frequency range must go from a lower to a higher frequency (at least 0 Hz).</source>
        <translation>频率范围必须从较低频率到较高频率（至少 0 Hz）。</translation>
    </message>
    <message>
        <source>The colour range must go from a lower to a higher level in dB.</source>
        <translation>颜色范围必须从较低电平到较高电平（单位 dB）。</translation>
    </message>
</context>
<context>
    <name>SpectrogramRangeDialog</name>
    <message>
        <source>Spectrogram Range</source>
        <translation>频谱图范围</translation>
    </message>
    <message>
        <source> Hz</source>
        <translation> Hz</translation>
    </message>
    <message>
        <source> dB</source>
        <translation> dB</translation>
    </message>
    <message>
        <source>&amp;Lowest frequency:</source>
        <translation>最低频率(&amp;L)：</translation>
    </message>
    <message>
        <source>&amp;Highest frequency:</source>
        <translation>最高频率(&amp;H)：</translation>
    </message>
    <message>
        <source>Colour scale &amp;bottom:</source>
        <translation>色标下限(&amp;B)：</translation>
    </message>
    <message>
        <source>Colour scale &amp;top:</source>
        <translation>色标上限(&amp;T)：</translation>
    </message>
    <message>
        <source>The same range is used for every file; frequencies above %1 Hz (half the analysis rate of this file) cannot be shown.</source>
        <translation>所有文件使用相同的范围；高于 %1 Hz（此文件分析采样率的一半）的频率无法显示。</translation>
    </message>
    <message>
        <source>The same range is used for every file.</source>
        <translation>所有文件使用相同的范围。</translation>
    </message>
</context>
<context>
    <name>SpectrogramView</name>
    <message>
        <source>Open an audio file (File &gt; Open), drop one here, or pass it on the command line.</source>
        <translation>打开音频文件（文件 &gt; 打开），将文件拖放到此处，或在命令行中指定。</translation>
    </message>
    <message>
        <source>ERB spectrogram</source>
        <translation>ERB 频谱图</translation>
    </message>
    <message>
        <source>Mel spectrogram</source>
        <translation>Mel 频谱图</translation>
    </message>
    <message>
        <source>Hz</source>
        <translation>Hz</translation>
    </message>
    <message>
        <source>%1k</source>
        <translation>%1k</translation>
    </message>
    <message>
        <source>Right-click to change the frequency and colour range</source>
        <translation>右键单击可更改频率和颜色范围</translation>
    </message>
    <message>
        <source>Frequency and Colour &amp;Range...</source>
        <translation>频率和颜色范围(&amp;R)...</translation>
    </message>
    <message>
        <source>Reset to &amp;Defaults (%1 to %2 Hz, %3 to %4 dB)</source>
        <translation>重置为默认值(&amp;D)（%1 到 %2 Hz，%3 到 %4 dB）</translation>
    </message>
</context>
<context>
    <name>StoreConnection</name>
    <message>
        <source>Qt&apos;s PostgreSQL driver (QPSQL) is not installed; install libqt6sql6-psql to use a PostgreSQL store.</source>
        <translation>Qt 的 PostgreSQL 驱动（QPSQL）未安装；请安装 libqt6sql6-psql 以使用 PostgreSQL 标注库。</translation>
    </message>
</context>
<context>
    <name>StoreCopy</name>
    <message>
        <source>Cannot copy the annotation store %1 onto itself.</source>
        <translation>无法将标注库 %1 复制到其自身。</translation>
    </message>
    <message>
        <source>The annotation store %1 does not exist.</source>
        <translation>标注库 %1 不存在。</translation>
    </message>
    <message>
        <source>%1 is not an annotation store (not an SQLite database).</source>
        <translation>%1 不是标注库（不是 SQLite 数据库）。</translation>
    </message>
    <message>
        <source>The target %1 already exists; store copy writes a new store only. Give a new file name.</source>
        <translation>目标 %1 已存在；store copy 只写入新的标注库。请给出新的文件名。</translation>
    </message>
    <message>
        <source>Cannot create the annotation store %1: its folder does not exist.</source>
        <translation>无法创建标注库 %1：其所在文件夹不存在。</translation>
    </message>
    <message>
        <source>The annotation store %1 is in use by another Taglane.</source>
        <translation>标注库 %1 正被另一个 Taglane 使用。</translation>
    </message>
    <message>
        <source>Cannot open the annotation store %1: %2</source>
        <translation>无法打开标注库 %1：%2</translation>
    </message>
    <message>
        <source>%1 holds no Taglane store.</source>
        <translation>%1 中没有 Taglane 标注库。</translation>
    </message>
    <message>
        <source>The annotation store %1 uses schema %2, this program schema %3; open it for writing with this Taglane once (to upgrade it), then copy it.</source>
        <translation>标注库 %1 使用模式版本 %2，而本程序使用模式版本 %3；请先用此 Taglane 以可写方式打开一次（以升级它），然后再复制。</translation>
    </message>
    <message>
        <source>The target %1 holds a store of a newer Taglane (schema %2); it was left unchanged.</source>
        <translation>目标 %1 含有更新版本 Taglane 的标注库（模式版本 %2）；它未被修改。</translation>
    </message>
    <message>
        <source>The target %1 is not empty (its table %2 holds %3 row(s)); store copy writes into a new or empty store only. It was left unchanged.</source>
        <translation>目标 %1 不为空（其表 %2 有 %3 行）；store copy 只写入新的或空的标注库。它未被修改。</translation>
    </message>
    <message>
        <source>Cannot write to %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <source>The table %1 has different columns in %2 and %3; cannot copy it.</source>
        <translation>表 %1 在 %2 和 %3 中的列不同；无法复制。</translation>
    </message>
    <message>
        <source>Cannot read %1 from %2: %3</source>
        <translation>无法从 %2 读取 %1：%3</translation>
    </message>
    <message>
        <source>Cannot write %1 to %2: %3</source>
        <translation>无法将 %1 写入 %2：%3</translation>
    </message>
    <message>
        <source>Cannot write rows up to %1 of %2 to %3: %4</source>
        <translation>无法将表 %2 中截至第 %1 行的数据写入 %3：%4</translation>
    </message>
    <message>
        <source>The copy of %1 in %2 holds %3 row(s), not %4; nothing was copied.</source>
        <translation>%2 中 %1 的副本有 %3 行，而不是 %4 行；未复制任何内容。</translation>
    </message>
    <message>
        <source>Cannot commit the copy to %1: %2</source>
        <translation>无法将副本提交到 %1：%2</translation>
    </message>
</context>
<context>
    <name>StoreFile</name>
    <message>
        <source>Cannot find a free name to move the damaged store %1 aside.</source>
        <translation>找不到空闲的名称，无法将损坏的标注库 %1 移到一旁。</translation>
    </message>
    <message>
        <source>Cannot move the damaged store %1 to %2.</source>
        <translation>无法将损坏的标注库 %1 移动到 %2。</translation>
    </message>
</context>
<context>
    <name>StoreLabels</name>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>The annotation store is not open for writing.</source>
        <translation>标注库未以可写方式打开。</translation>
    </message>
    <message>
        <source>%1: the labels are incomplete.</source>
        <translation>%1：标注不完整。</translation>
    </message>
    <message>
        <source>The store %1 has no track %2.</source>
        <translation>标注库 %1 中没有曲目 %2。</translation>
    </message>
    <message>
        <source>%1 has no segments in %2.</source>
        <translation>%1 在 %2 中没有片段。</translation>
    </message>
    <message>
        <source>No track in %1 matches &quot;%2&quot;.</source>
        <translation>%1 中没有与“%2”匹配的曲目。</translation>
    </message>
    <message>
        <source>&quot;%1&quot; matches %2 tracks in %3; give the full path.</source>
        <translation>“%1”匹配 %3 中的 %2 个曲目；请给出完整路径。</translation>
    </message>
    <message>
        <source>%1: the annotation store %2 cannot start an import.</source>
        <translation>%1：标注库 %2 无法开始导入。</translation>
    </message>
    <message>
        <source>%1 was not imported (nothing of it was saved): %2</source>
        <translation>%1 未导入（其中的内容都未保存）：%2</translation>
    </message>
    <message numerus="yes">
        <source>
%n label file(s) were imported.</source>
        <translation>
            <numerusform>
已导入 %n 个标注文件。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>StoreLocation</name>
    <message>
        <source>No annotation store was given (the path is empty).</source>
        <translation>未指定标注库（路径为空）。</translation>
    </message>
    <message>
        <source>%1 is not a valid PostgreSQL URI (%2); write postgresql://USER:PASSWORD@HOST:PORT/DATABASE.</source>
        <translation>%1 不是有效的 PostgreSQL URI（%2）；请写成 postgresql://USER:PASSWORD@HOST:PORT/DATABASE。</translation>
    </message>
    <message>
        <source>%1 names several hosts; Taglane connects to one PostgreSQL server.</source>
        <translation>%1 指定了多个主机；Taglane 只连接一个 PostgreSQL 服务器。</translation>
    </message>
    <message>
        <source>%1: the database name may not contain &apos;/&apos;.</source>
        <translation>%1：数据库名称中不能包含 &apos;/&apos;。</translation>
    </message>
    <message>
        <source>%1: &quot;%2&quot; is not a PostgreSQL connection parameter.</source>
        <translation>%1：“%2”不是 PostgreSQL 连接参数。</translation>
    </message>
    <message>
        <source>%1: the value of &quot;%2&quot; may not contain &apos;;&apos;.</source>
        <translation>%1：“%2”的值中不能包含 &apos;;&apos;。</translation>
    </message>
</context>
<context>
    <name>StoreQuery</name>
    <message>
        <source>The annotation store %1 does not exist.</source>
        <translation>标注库 %1 不存在。</translation>
    </message>
    <message>
        <source>Cannot read the annotation store %1: %2</source>
        <translation>无法读取标注库 %1：%2</translation>
    </message>
    <message>
        <source>Cannot read the model versions of the annotation store %1: %2</source>
        <translation>无法读取标注库 %1 的模型版本：%2</translation>
    </message>
    <message>
        <source>The model version &quot;%1&quot; has tagged nothing in %2.</source>
        <translation>模型版本“%1”尚未在 %2 中为任何内容打过标签。</translation>
    </message>
</context>
<context>
    <name>StoreReader</name>
    <message>
        <source>Cannot read %1 from the annotation store %2: %3</source>
        <translation>无法从标注库 %2 读取 %1：%3</translation>
    </message>
    <message>
        <source>The annotation store %1 has no track with id %2.</source>
        <translation>标注库 %1 中没有 ID 为 %2 的曲目。</translation>
    </message>
    <message>
        <source>the tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>the tags with verdicts</source>
        <translation>有判定的标签</translation>
    </message>
    <message>
        <source>the model versions</source>
        <translation>模型版本</translation>
    </message>
    <message>
        <source>the highest id of %1</source>
        <translation>%1 的最大 ID</translation>
    </message>
    <message>
        <source>no answer</source>
        <translation>无结果</translation>
    </message>
    <message>
        <source>the verdict rules</source>
        <translation>判定规则</translation>
    </message>
    <message>
        <source>the verdict rule of tag %1</source>
        <translation>标签 %1 的判定规则</translation>
    </message>
    <message>
        <source>the verdicts</source>
        <translation>判定</translation>
    </message>
</context>
<context>
    <name>StoreRescue</name>
    <message>
        <source>Nothing could be rescued from %1: %2</source>
        <translation>无法从 %1 抢救任何内容：%2</translation>
    </message>
    <message>
        <source>What was rescued from %1 could not be saved: %2</source>
        <translation>从 %1 抢救出的内容无法保存：%2</translation>
    </message>
</context>
<context>
    <name>StoreSchema</name>
    <message>
        <source>Cannot read the annotation store %1: %2</source>
        <translation>无法读取标注库 %1：%2</translation>
    </message>
    <message>
        <source>%1 is an SQLite database but not a Taglane annotation store.</source>
        <translation>%1 是 SQLite 数据库，但不是 Taglane 标注库。</translation>
    </message>
    <message>
        <source>%1 was written by a newer version of Taglane (store schema %2; this program knows up to %3). It was left unchanged; open it with a newer Taglane.</source>
        <translation>%1 由更新版本的 Taglane 写入（标注库模式版本 %2；本程序最高支持 %3）。它未被修改；请用更新版本的 Taglane 打开。</translation>
    </message>
    <message>
        <source>Cannot upgrade the annotation store %1: %2</source>
        <translation>无法升级标注库 %1：%2</translation>
    </message>
    <message>
        <source>Cannot upgrade the annotation store %1 to schema %2: %3. The store was left unchanged.</source>
        <translation>无法将标注库 %1 升级到模式版本 %2：%3。标注库未被修改。</translation>
    </message>
    <message>
        <source>Cannot upgrade the annotation store %1: %2. The store was left unchanged.</source>
        <translation>无法升级标注库 %1：%2。标注库未被修改。</translation>
    </message>
</context>
<context>
    <name>StoreStatusLabel</name>
    <message>
        <source>Not saved: edits are not reaching the annotation store</source>
        <translation>未保存：编辑无法写入标注库</translation>
    </message>
</context>
<context>
    <name>StoreWriter</name>
    <message>
        <source>Cannot write to the annotation store %1: %2</source>
        <translation>无法写入标注库 %1：%2</translation>
    </message>
    <message>
        <source>Cannot save edit %1 to %2: %3</source>
        <translation>无法将编辑 %1 保存到 %2：%3</translation>
    </message>
    <message>
        <source>Edit %1 was not saved to %2: the change it belonged to was abandoned.</source>
        <translation>编辑 %1 未保存到 %2：它所属的更改已被放弃。</translation>
    </message>
    <message>
        <source>Cannot save edits %1-%2 to %3 (nothing of them was saved): %4</source>
        <translation>无法将编辑 %1-%2 保存到 %3（其中的内容都未保存）：%4</translation>
    </message>
</context>
<context>
    <name>SvRegionReader</name>
    <message>
        <source>expected time,value,duration,label (%1 fields found).</source>
        <translation>应为 time,value,duration,label（实际有 %1 个字段）。</translation>
    </message>
    <message>
        <source>time &quot;%1&quot; is not a number.</source>
        <translation>时间“%1”不是数字。</translation>
    </message>
    <message>
        <source>value &quot;%1&quot; is not a number.</source>
        <translation>值“%1”不是数字。</translation>
    </message>
    <message>
        <source>duration &quot;%1&quot; is not a number.</source>
        <translation>时长“%1”不是数字。</translation>
    </message>
    <message>
        <source>duration %1 is negative.</source>
        <translation>时长 %1 为负数。</translation>
    </message>
    <message>
        <source>an instant (duration 0) skipped.</source>
        <translation>已跳过一个时间点（时长为 0）。</translation>
    </message>
    <message>
        <source>time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>end</source>
        <translation>结束时间</translation>
    </message>
    <message>
        <source>%1: %2 instants skipped in all.</source>
        <translation>%1：共跳过 %2 个时间点。</translation>
    </message>
</context>
<context>
    <name>SvRegionWriter</name>
    <message>
        <source>Cannot write %1: the labels of %2 are incomplete.</source>
        <translation>无法写入 %1：%2 的标注不完整。</translation>
    </message>
</context>
<context>
    <name>SynthCorpusGenerator</name>
    <message>
        <source>The number of tracks must be at least 1 (got %1).</source>
        <translation>曲目数至少为 1（实际为 %1）。</translation>
    </message>
    <message>
        <source>No output folder given.</source>
        <translation>未指定输出文件夹。</translation>
    </message>
    <message>
        <source>%1: cannot create the output folder.</source>
        <translation>%1：无法创建输出文件夹。</translation>
    </message>
</context>
<context>
    <name>SynthRenderer</name>
    <message>
        <source>The sample rate %1 Hz is outside 8000-96000 Hz.</source>
        <translation>采样率 %1 Hz 超出 8000-96000 Hz 的范围。</translation>
    </message>
    <message>
        <source>%1: the soundfont does not exist.</source>
        <translation>%1：音色库不存在。</translation>
    </message>
    <message>
        <source>%1: cannot read the soundfont: %2</source>
        <translation>%1：无法读取音色库：%2</translation>
    </message>
    <message>
        <source>%1: this is not a SoundFont 2 file.</source>
        <translation>%1：这不是 SoundFont 2 文件。</translation>
    </message>
    <message>
        <source>FluidSynth could not create its settings.</source>
        <translation>FluidSynth 无法创建其设置。</translation>
    </message>
    <message>
        <source>FluidSynth could not create a synthesiser at %1 Hz.</source>
        <translation>FluidSynth 无法创建 %1 Hz 的合成器。</translation>
    </message>
    <message>
        <source>%1: FluidSynth cannot load this soundfont.</source>
        <translation>%1：FluidSynth 无法加载此音色库。</translation>
    </message>
    <message>
        <source>%1: cannot write: %2</source>
        <translation>%1：无法写入：%2</translation>
    </message>
    <message>
        <source>Rendering %1 was cancelled.</source>
        <translation>渲染 %1 已取消。</translation>
    </message>
    <message>
        <source>%1: cannot finish writing the file.</source>
        <translation>%1：无法完成文件写入。</translation>
    </message>
    <message>
        <source>%1: cannot move the rendered file into place.</source>
        <translation>%1：无法将渲染好的文件移动到位。</translation>
    </message>
    <message>
        <source>No soundfont given.</source>
        <translation>未指定音色库。</translation>
    </message>
    <message>
        <source>At most 250 soundfonts can play one corpus (got %1).</source>
        <translation>一个语料库最多可由 250 个音色库演奏（实际为 %1）。</translation>
    </message>
</context>
<context>
    <name>TagLaneModel</name>
    <message>
        <source>no prediction</source>
        <translation>无预测</translation>
    </message>
    <message>
        <source>probability %1</source>
        <translation>概率 %1</translation>
    </message>
    <message>
        <source>verdict: not reviewed</source>
        <translation>判定：未审校</translation>
    </message>
    <message>
        <source>verdict: %1, set by %2 %3</source>
        <translation>判定：%1，设定者：%2 %3</translation>
    </message>
    <message>
        <source>present</source>
        <translation>存在</translation>
    </message>
    <message>
        <source>absent</source>
        <translation>不存在</translation>
    </message>
    <message>
        <source>curator</source>
        <translation>审校者</translation>
    </message>
    <message>
        <source>suggested from your review: %1 (%2)</source>
        <translation>根据您的审校建议：%1（%2）</translation>
    </message>
    <message>
        <source>verdict: not reviewed; the related tag %1 is %2 here (it counts for this tag in Retrain)</source>
        <translation>判定：未审校；相关标签 %1 在此处为 %2（重新训练时计入此标签）</translation>
    </message>
    <message>
        <source>%1, related to %2 (a verdict on either counts for both in Retrain)</source>
        <translation>%1，与 %2 相关（重新训练时，对其中任一标签的判定都同时计入两者）</translation>
    </message>
    <message>
        <source>curators disagree on this cell: the tag&apos;s rule decides what training and export use</source>
        <translation>审校者对此单元格意见不一：由该标签的规则决定训练和导出所用的判定</translation>
    </message>
</context>
<context>
    <name>TagLaneView</name>
    <message>
        <source>Mark present</source>
        <translation>标记为存在</translation>
    </message>
    <message>
        <source>Mark absent</source>
        <translation>标记为不存在</translation>
    </message>
    <message>
        <source>Clear verdict</source>
        <translation>清除判定</translation>
    </message>
    <message numerus="yes">
        <source>%1 (%n cells)</source>
        <translation>
            <numerusform>%1（%n 个单元格）</numerusform>
        </translation>
    </message>
    <message>
        <source>Cycle verdict</source>
        <translation>循环切换判定</translation>
    </message>
    <message>
        <source>Paint cell</source>
        <translation>涂刷单元格</translation>
    </message>
    <message numerus="yes">
        <source>Accept %n suggestion(s)</source>
        <translation>
            <numerusform>接受 %n 条建议</numerusform>
        </translation>
    </message>
    <message>
        <source>Move boundary</source>
        <translation>移动边界</translation>
    </message>
    <message>
        <source>Paint present</source>
        <translation>涂为存在</translation>
    </message>
    <message>
        <source>Paint absent</source>
        <translation>涂为不存在</translation>
    </message>
    <message>
        <source>Paint unknown</source>
        <translation>涂为未知</translation>
    </message>
    <message>
        <source>Drag to move this boundary</source>
        <translation>拖动以移动此边界</translation>
    </message>
    <message>
        <source>Click to collapse or expand %1</source>
        <translation>单击以折叠或展开 %1</translation>
    </message>
    <message>
        <source>No tag predictions yet: each lane fills in when the tagger runs on this track.</source>
        <translation>尚无标签预测：对此曲目运行打标签后，各标签泳道会逐步填充。</translation>
    </message>
    <message>
        <source>Mark Present	Y</source>
        <translation>标记为存在	Y</translation>
    </message>
    <message>
        <source>Mark Absent	N</source>
        <translation>标记为不存在	N</translation>
    </message>
    <message>
        <source>Clear Verdict	Backspace</source>
        <translation>清除判定	Backspace</translation>
    </message>
    <message>
        <source>Accept Suggestions in This Segment</source>
        <translation>接受此片段中的建议</translation>
    </message>
    <message>
        <source>Split Segment Here</source>
        <translation>在此处拆分片段</translation>
    </message>
    <message>
        <source>Split segment</source>
        <translation>拆分片段</translation>
    </message>
    <message>
        <source>Merge with Next Segment</source>
        <translation>与下一片段合并</translation>
    </message>
    <message>
        <source>Merge segments</source>
        <translation>合并片段</translation>
    </message>
</context>
<context>
    <name>TagMapping</name>
    <message>
        <source>%1, line %2: expected two tag names separated by a tab.</source>
        <translation>%1，第 %2 行：应为两个以制表符分隔的标签名。</translation>
    </message>
    <message>
        <source>%1, line %2: a tag cannot be related to itself (%3).</source>
        <translation>%1，第 %2 行：标签不能与自身相关（%3）。</translation>
    </message>
    <message>
        <source>Cannot read the tag mapping %1: %2</source>
        <translation>无法读取标签映射 %1：%2</translation>
    </message>
</context>
<context>
    <name>TagMappingEditor</name>
    <message>
        <source>Related Tags</source>
        <translation>相关标签</translation>
    </message>
    <message>
        <source>Tags of different vocabularies that mean the same thing (musicnn&apos;s &quot;strings&quot; and the default model&apos;s Strings). Retrain lists them together and counts a verdict on a tag the model lacks for the model&apos;s related tag.</source>
        <translation>不同词表中含义相同的标签（musicnn 的“strings”和默认模型的 Strings）。重新训练会把它们列在一起，并把对模型缺少的标签所作的判定计入模型的相关标签。</translation>
    </message>
    <message>
        <source>Tag</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>Related tag</source>
        <translation>相关标签</translation>
    </message>
    <message>
        <source>&amp;Relate</source>
        <translation>关联(&amp;R)</translation>
    </message>
    <message>
        <source>Re&amp;move</source>
        <translation>移除(&amp;M)</translation>
    </message>
    <message>
        <source>&amp;Suggest by Name</source>
        <translation>按名称建议(&amp;S)</translation>
    </message>
    <message>
        <source>Relate the tags of the two lists whose display names agree</source>
        <translation>把两个列表中显示名称相同的标签关联起来</translation>
    </message>
    <message>
        <source>A tag cannot be related to itself.</source>
        <translation>标签不能与自身相关。</translation>
    </message>
    <message>
        <source>Choose two tags to relate.</source>
        <translation>请选择两个要关联的标签。</translation>
    </message>
    <message>
        <source>%1 and %2 are related already.</source>
        <translation>%1 和 %2 已经相关。</translation>
    </message>
    <message>
        <source>%1 and %2 are related (not saved yet).</source>
        <translation>%1 和 %2 已关联（尚未保存）。</translation>
    </message>
    <message numerus="yes">
        <source>%n pair(s) suggested by name (not saved yet).</source>
        <translation>
            <numerusform>按名称建议了 %n 对（尚未保存）。</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 could not be read and could not be moved aside; nothing was saved.</source>
        <translation>无法读取 %1，也无法把它移到一旁；未保存任何内容。</translation>
    </message>
    <message numerus="yes">
        <source>Saved %n pair(s) to %1.</source>
        <translation>
            <numerusform>已将 %n 对保存到 %1。</numerusform>
        </translation>
    </message>
    <message>
        <source>The file that could not be read was kept as %1.</source>
        <translation>无法读取的文件已保留为 %1。</translation>
    </message>
</context>
<context>
    <name>TagQuery</name>
    <message>
        <source>Cannot read the query at position %1: %2.</source>
        <translation>无法解析位置 %1 处的查询：%2。</translation>
    </message>
</context>
<context>
    <name>TagSearch</name>
    <message>
        <source>Cannot search the annotation store %1: %2</source>
        <translation>无法搜索标注库 %1：%2</translation>
    </message>
</context>
<context>
    <name>Tagger</name>
    <message>
        <source>The model bundle %1 uses the architecture &quot;%2&quot;, which this Taglane cannot run.</source>
        <translation>模型包 %1 使用架构“%2”，此版本的 Taglane 无法运行。</translation>
    </message>
    <message>
        <source>CUDA was asked for, but LibTorch sees no CUDA device.</source>
        <translation>请求使用 CUDA，但 LibTorch 未检测到 CUDA 设备。</translation>
    </message>
    <message>
        <source>The model %1 could not be moved to %2: %3</source>
        <translation>无法将模型 %1 移到 %2：%3</translation>
    </message>
    <message>
        <source>CUDA (device %1)</source>
        <translation>CUDA（设备 %1）</translation>
    </message>
    <message>
        <source>CPU (1 thread)</source>
        <translation>CPU（1 个线程）</translation>
    </message>
    <message>
        <source>CPU (%1 threads)</source>
        <translation>CPU（%1 个线程）</translation>
    </message>
    <message>
        <source>The audio is at %1 Hz but the model expects %2 Hz.</source>
        <translation>音频采样率为 %1 Hz，但模型要求 %2 Hz。</translation>
    </message>
    <message>
        <source>The model %1 failed while tagging: %2</source>
        <translation>模型 %1 在打标签时失败：%2</translation>
    </message>
</context>
<context>
    <name>TensorCompletion</name>
    <message>
        <source>The tensor to complete is empty (%1 x %2 x %3).</source>
        <translation>要补全的张量为空（%1 x %2 x %3）。</translation>
    </message>
    <message>
        <source>The tensor holds %1 values; %2 x %3 x %4 needs %5.</source>
        <translation>张量有 %1 个值；%2 x %3 x %4 需要 %5 个。</translation>
    </message>
    <message>
        <source>The mask has %1 entries; the tensor has %2.</source>
        <translation>掩码有 %1 个条目；张量有 %2 个。</translation>
    </message>
    <message>
        <source>The side information has %1 values; the tensor has %2.</source>
        <translation>辅助信息有 %1 个值；张量有 %2 个。</translation>
    </message>
    <message>
        <source>The side information weight must be positive; got %1.</source>
        <translation>辅助信息权重必须为正数；实际为 %1。</translation>
    </message>
    <message>
        <source>Side information value %1 is not a finite number.</source>
        <translation>辅助信息值 %1 不是有限数。</translation>
    </message>
    <message>
        <source>Observed entry %1 is not a finite number.</source>
        <translation>观测条目 %1 不是有限数。</translation>
    </message>
    <message>
        <source>No entry of the tensor is observed: there is nothing to complete from.</source>
        <translation>张量中没有任何观测条目：无从补全。</translation>
    </message>
    <message>
        <source>The matrix to complete is empty (%1 x %2).</source>
        <translation>要补全的矩阵为空（%1 x %2）。</translation>
    </message>
    <message>
        <source>The matrix holds %1 values and its mask %2 entries; %3 x %4 needs %5 of each.</source>
        <translation>矩阵有 %1 个值，其掩码有 %2 个条目；%3 x %4 各需要 %5 个。</translation>
    </message>
</context>
<context>
    <name>TimeRuler</name>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
</context>
<context>
    <name>TrackDocument</name>
    <message>
        <source>There is no segment at %1 s to split.</source>
        <translation>%1 s 处没有可拆分的片段。</translation>
    </message>
    <message>
        <source>Splitting at %1 s would leave a segment shorter than %2 s.</source>
        <translation>在 %1 s 处拆分会留下短于 %2 s 的片段。</translation>
    </message>
    <message>
        <source>There is no next segment to merge with.</source>
        <translation>没有可合并的下一个片段。</translation>
    </message>
    <message>
        <source>That segment has no boundary with a next segment.</source>
        <translation>该片段与下一个片段之间没有边界。</translation>
    </message>
    <message>
        <source>These segments are too short to move their boundary.</source>
        <translation>这些片段太短，无法移动其边界。</translation>
    </message>
    <message>
        <source>the new segmentation</source>
        <translation>新的分段</translation>
    </message>
    <message>
        <source>The segment this edit applies to no longer exists.</source>
        <translation>此编辑所针对的片段已不存在。</translation>
    </message>
    <message>
        <source>The segments this edit applies to changed.</source>
        <translation>此编辑所针对的片段已改变。</translation>
    </message>
    <message>
        <source>The store changed the number of segments.</source>
        <translation>标注库改变了片段数。</translation>
    </message>
    <message>
        <source>The annotation store refused a verdict edit (is it read-only?).</source>
        <translation>标注库拒绝了一项判定编辑（它是只读的吗？）。</translation>
    </message>
    <message>
        <source>No annotation store is open.</source>
        <translation>未打开任何标注库。</translation>
    </message>
</context>
<context>
    <name>TrackLoader</name>
    <message>
        <source>%1 could not be read.</source>
        <translation>无法读取 %1。</translation>
    </message>
</context>
<context>
    <name>TrackView</name>
    <message>
        <source>Zoom &amp;In</source>
        <translation>放大(&amp;I)</translation>
    </message>
    <message>
        <source>Zoom &amp;Out</source>
        <translation>缩小(&amp;O)</translation>
    </message>
    <message>
        <source>&amp;Fit</source>
        <translation>适应窗口(&amp;F)</translation>
    </message>
    <message>
        <source>Show the whole track</source>
        <translation>显示整个曲目</translation>
    </message>
    <message>
        <source>&amp;Play</source>
        <translation>播放(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Stop</source>
        <translation>停止(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Mel</source>
        <translation>&amp;Mel</translation>
    </message>
    <message>
        <source>Show the Mel spectrogram (128 bands)</source>
        <translation>显示 Mel 频谱图（128 个频带）</translation>
    </message>
    <message>
        <source>&amp;ERB</source>
        <translation>&amp;ERB</translation>
    </message>
    <message>
        <source>Show the ERB spectrogram (64 bands)</source>
        <translation>显示 ERB 频谱图（64 个频带）</translation>
    </message>
    <message>
        <source>&amp;Split Segment at Cursor</source>
        <translation>在光标处拆分片段(&amp;S)</translation>
    </message>
    <message>
        <source>Split the segment under the play cursor (S)</source>
        <translation>拆分播放光标所在的片段（S）</translation>
    </message>
    <message>
        <source>&amp;Merge with Next Segment</source>
        <translation>与下一片段合并(&amp;M)</translation>
    </message>
    <message>
        <source>Merge the selected segment (or the one under the cursor) with the next one (M)</source>
        <translation>将选中的片段（或光标所在的片段）与下一个片段合并（M）</translation>
    </message>
    <message>
        <source>&amp;Accept Suggestions</source>
        <translation>接受建议(&amp;A)</translation>
    </message>
    <message>
        <source>Mark present every unreviewed cell at or above the threshold, in the selection (when it spans several cells) or the whole track (A)</source>
        <translation>将所有达到或超过阈值的未审校单元格标记为存在，范围为选区（当其跨越多个单元格时）或整个曲目（A）</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>重做(&amp;R)</translation>
    </message>
    <message>
        <source>No track open</source>
        <translation>未打开曲目</translation>
    </message>
    <message>
        <source>mono</source>
        <translation>单声道</translation>
    </message>
    <message>
        <source>stereo</source>
        <translation>立体声</translation>
    </message>
    <message>
        <source>%1 channels</source>
        <translation>%1 声道</translation>
    </message>
    <message>
        <source>%1  |  %2  |  %3 Hz  |  %4  |  %5</source>
        <translation>%1  |  %2  |  %3 Hz  |  %4  |  %5</translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation>暂停(&amp;P)</translation>
    </message>
    <message>
        <source>%1 is not in the read-only annotation store.</source>
        <translation>%1 不在只读标注库中。</translation>
    </message>
    <message>
        <source>Open a track before choosing its segmentation.</source>
        <translation>请先打开曲目，再选择其分段方式。</translation>
    </message>
    <message>
        <source>Novelty segmentation needs the decoded audio of an open track.</source>
        <translation>新颖度分段需要已打开曲目的解码音频。</translation>
    </message>
    <message>
        <source>Finding segment boundaries by novelty...</source>
        <translation>正在按新颖度查找片段边界...</translation>
    </message>
    <message numerus="yes">
        <source>Novelty segmentation: %n segment(s).</source>
        <translation>
            <numerusform>新颖度分段：%n 个片段。</numerusform>
        </translation>
    </message>
    <message>
        <source>fixed %1 s</source>
        <translation>固定 %1 s</translation>
    </message>
    <message>
        <source>model chunks</source>
        <translation>模型块</translation>
    </message>
    <message>
        <source>novelty</source>
        <translation>新颖度</translation>
    </message>
    <message>
        <source>Re-segment (%1)</source>
        <translation>重新分段（%1）</translation>
    </message>
    <message>
        <source>Split segment</source>
        <translation>拆分片段</translation>
    </message>
    <message>
        <source>Select a segment (or put the cursor in one) to merge it with the next.</source>
        <translation>请选择一个片段（或将光标置于其中），以便将其与下一个片段合并。</translation>
    </message>
    <message>
        <source>Merge segments</source>
        <translation>合并片段</translation>
    </message>
    <message numerus="yes">
        <source>Accepted %n suggestion(s) at or above %1.</source>
        <translation>
            <numerusform>已接受 %n 条达到或超过 %1 的建议。</numerusform>
        </translation>
    </message>
    <message>
        <source>No unreviewed cell is at or above the threshold %1.</source>
        <translation>没有达到或超过阈值 %1 的未审校单元格。</translation>
    </message>
    <message numerus="yes">
        <source>%n segment(s)</source>
        <translation>
            <numerusform>%n 个片段</numerusform>
        </translation>
    </message>
    <message>
        <source>The annotation store takes edits again; this track&apos;s labels were saved again.</source>
        <translation>标注库又能接受编辑了；此曲目的标注已重新保存。</translation>
    </message>
    <message>
        <source>Zoom in around the play cursor, or the centre when it is out of view (+)</source>
        <translation>以播放光标为中心放大；光标不在视图中时以视图中心为准（+）</translation>
    </message>
    <message>
        <source>Zoom out around the play cursor, or the centre when it is out of view (-)</source>
        <translation>以播放光标为中心缩小；光标不在视图中时以视图中心为准（-）</translation>
    </message>
    <message>
        <source>The next tagging run lays the segments on its model&apos;s chunk grid.</source>
        <translation>下一次打标签运行会将片段排布在其模型的块网格上。</translation>
    </message>
    <message>
        <source>Its tags could not be read again: %1</source>
        <translation>无法重新读取其标签：%1</translation>
    </message>
    <message>
        <source>&amp;Complete My Review</source>
        <translation>补全我的审校(&amp;C)</translation>
    </message>
    <message>
        <source>Suggest every unreviewed cell from the verdicts given so far and the model&apos;s probabilities (low-rank completion); suggestions show as hollow diamonds</source>
        <translation>根据已给出的判定和模型的概率，为每个未审校单元格给出建议（低秩补全）；建议显示为空心菱形</translation>
    </message>
    <message>
        <source>Accept &amp;Review Suggestions</source>
        <translation>接受审校建议(&amp;R)</translation>
    </message>
    <message>
        <source>Turn the suggestions of Complete My Review into verdicts: present at or above the threshold, absent below (one undo step)</source>
        <translation>将“补全我的审校”的建议转为判定：达到或超过阈值为存在，低于阈值为不存在（可一步撤销）</translation>
    </message>
    <message>
        <source>Open and tag a track first, then judge some cells.</source>
        <translation>请先打开曲目并为其打标签，然后判定一些单元格。</translation>
    </message>
    <message>
        <source>The review is being completed already.</source>
        <translation>审校补全已在进行中。</translation>
    </message>
    <message>
        <source>Complete My Review: %1</source>
        <translation>补全我的审校：%1</translation>
    </message>
    <message numerus="yes">
        <source>Complete My Review: %n cell(s) suggested from %1 verdicts%2 (Edit &gt; Accept Review Suggestions applies them).</source>
        <translation>
            <numerusform>补全我的审校：根据 %1 条判定建议了 %n 个单元格%2（“编辑 &gt; 接受审校建议”可应用这些建议）。</numerusform>
        </translation>
    </message>
    <message>
        <source>; too few verdicts to judge a completion by, so the suggestions are the model&apos;s probabilities</source>
        <translation>；判定太少，无法据此评判补全结果，因此建议即为模型的概率</translation>
    </message>
    <message>
        <source>; the model&apos;s probabilities predicted your held-out verdicts best, so they are the suggestions</source>
        <translation>；模型的概率对您留出的判定预测得最好，因此以它们作为建议</translation>
    </message>
    <message numerus="yes">
        <source>Accept %n review suggestion(s)</source>
        <translation>
            <numerusform>接受 %n 条审校建议</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TrainableArchitecture</name>
    <message>
        <source>&quot;%1&quot; is not a trainable architecture.</source>
        <translation>“%1”不是可训练的架构。</translation>
    </message>
    <message>
        <source>&quot;%1&quot; has no tempo and key evidence.</source>
        <translation>“%1”没有速度和调性依据。</translation>
    </message>
    <message>
        <source>Expected %1 x %2 feature values, got %3.</source>
        <translation>应有 %1 x %2 个特征值，实际为 %3 个。</translation>
    </message>
    <message>
        <source>The weights lack the output layer.</source>
        <translation>权重缺少输出层。</translation>
    </message>
    <message>
        <source>The fusion weight must lie in [0, 1] (got %1).</source>
        <translation>融合权重必须在 [0, 1] 范围内（实际为 %1）。</translation>
    </message>
    <message>
        <source>%1 is a %2 model, not fusion-linear.</source>
        <translation>%1 是 %2 模型，不是 fusion-linear。</translation>
    </message>
</context>
<context>
    <name>Trainer</name>
    <message>
        <source>&quot;%1&quot; is not a trainable architecture.</source>
        <translation>“%1”不是可训练的架构。</translation>
    </message>
    <message>
        <source>There are no training examples.</source>
        <translation>没有训练样本。</translation>
    </message>
    <message>
        <source>The training examples were not cut for the %1 architecture.</source>
        <translation>训练样本不是为 %1 架构切分的。</translation>
    </message>
    <message>
        <source>The validation examples do not match the training examples (tags or features).</source>
        <translation>验证样本与训练样本不匹配（标签或特征不同）。</translation>
    </message>
    <message>
        <source>The bundle %1 is a %2 model; it cannot start a %3 training.</source>
        <translation>模型包 %1 是 %2 模型；不能用它开始 %3 训练。</translation>
    </message>
    <message>
        <source>Training failed: %1</source>
        <translation>训练失败：%1</translation>
    </message>
    <message>
        <source>%1 training tracks (%2 examples), %3 validation tracks (%4 examples), %5 tags, %6</source>
        <translation>%1 首训练曲目（%2 个样本），%3 首验证曲目（%4 个样本），%5 个标签，%6</translation>
    </message>
    <message>
        <source>The positive weight alpha must be a finite number of at least 1 (got %1).</source>
        <translation>正样本权重 alpha 必须是不小于 1 的有限数（实际为 %1）。</translation>
    </message>
    <message>
        <source>Epochs, batch size and learning rate must be positive (and the learning rate finite).</source>
        <translation>训练轮数、批大小和学习率必须为正（且学习率为有限数）。</translation>
    </message>
    <message>
        <source>The attention penalty must be a finite number of at least 0 (got %1).</source>
        <translation>注意力惩罚必须是不小于 0 的有限数（实际为 %1）。</translation>
    </message>
    <message>
        <source>The attention penalty applies only to cnn-sam (the %1 architecture has no attention pooling).</source>
        <translation>注意力惩罚仅适用于 cnn-sam（%1 架构没有注意力池化）。</translation>
    </message>
    <message>
        <source>The label flip probability must be between 0 and 0.5 (got %1).</source>
        <translation>标签翻转概率必须在 0 到 0.5 之间（实际为 %1）。</translation>
    </message>
    <message>
        <source>The fraction of dropped frames must be at least 0 and below 1 (got %1).</source>
        <translation>丢弃帧的比例必须不小于 0 且小于 1（实际为 %1）。</translation>
    </message>
    <message>
        <source>Dropping feature frames applies only to the mia-ernn kinds and mat-gru (not %1).</source>
        <translation>丢弃特征帧仅适用于 mia-ernn 系列和 mat-gru（不适用于 %1）。</translation>
    </message>
</context>
<context>
    <name>UntaggedTracks</name>
    <message>
        <source>Cannot read the library of %1: %2</source>
        <translation>无法读取 %1 的曲库：%2</translation>
    </message>
</context>
<context>
    <name>VerdictRule</name>
    <message>
        <source>The rule &quot;%1&quot; names no valid lead curator: %2</source>
        <translation>规则“%1”未指定有效的主审校者：%2</translation>
    </message>
    <message>
        <source>Unknown verdict rule &quot;%1&quot;: give majority, unresolved or lead:NAME.</source>
        <translation>未知的判定规则“%1”：请使用 majority、unresolved 或 lead:NAME。</translation>
    </message>
</context>
<context>
    <name>Vocabulary</name>
    <message>
        <source>%1, line %2: empty tag name</source>
        <translation>%1，第 %2 行：标签名为空</translation>
    </message>
    <message>
        <source>%1, line %2: tag name &quot;%3&quot; may not contain a comma or a quote</source>
        <translation>%1，第 %2 行：标签名“%3”不能包含逗号或引号</translation>
    </message>
    <message>
        <source>%1, line %2: tag &quot;%3&quot; appears twice</source>
        <translation>%1，第 %2 行：标签“%3”出现了两次</translation>
    </message>
    <message>
        <source>%1: no tags found</source>
        <translation>%1：未找到任何标签</translation>
    </message>
    <message>
        <source>%1: cannot read vocabulary: %2</source>
        <translation>%1：无法读取词表：%2</translation>
    </message>
</context>
<context>
    <name>VocabularyEditor</name>
    <message>
        <source>Vocabulary</source>
        <translation>词表</translation>
    </message>
    <message>
        <source>&amp;Add...</source>
        <translation>添加(&amp;A)...</translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation>移除(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Import list...</source>
        <translation>导入列表(&amp;I)...</translation>
    </message>
    <message>
        <source>Add the tags of a CAL500-style vocabulary list (one tag per line, optional tab and category)</source>
        <translation>添加 CAL500 风格词表列表中的标签（每行一个标签，可用制表符附加类别）</translation>
    </message>
    <message>
        <source>Double-click a name or category to change it. Renaming or removing a tag keeps its stored verdicts under the old name; they stop counting.</source>
        <translation>双击名称或类别即可修改。重命名或移除标签时，其已存储的判定仍保留在旧名称下，但不再计入。</translation>
    </message>
    <message numerus="yes">
        <source>%n tag(s). Select a model to see which tags it predicts.</source>
        <translation>
            <numerusform>%n 个标签。选择一个模型即可查看它预测哪些标签。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n tag(s); the current model predicts every one.</source>
        <translation>
            <numerusform>%n 个标签；当前模型对每个标签都有预测。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n tag(s) have no model output yet: %1</source>
        <translation>
            <numerusform>%n 个标签还没有模型输出：%1</numerusform>
        </translation>
    </message>
    <message>
        <source>Add Tag</source>
        <translation>添加标签</translation>
    </message>
    <message>
        <source>Tag name (a CAL500-style prefix such as &quot;Instrument_-_&quot; sets the category):</source>
        <translation>标签名（CAL500 风格的前缀，如“Instrument_-_”，会设定类别）：</translation>
    </message>
    <message>
        <source>Import Vocabulary</source>
        <translation>导入词表</translation>
    </message>
    <message>
        <source>Vocabulary lists (*.txt *.tsv *.csv);;All files (*)</source>
        <translation>词表列表 (*.txt *.tsv *.csv);;所有文件 (*)</translation>
    </message>
    <message numerus="yes">
        <source>Added %n tag(s).</source>
        <translation>
            <numerusform>已添加 %n 个标签。</numerusform>
        </translation>
    </message>
    <message>
        <source>The vocabulary is empty; add tags before applying it.</source>
        <translation>词表为空；请先添加标签再应用。</translation>
    </message>
    <message numerus="yes">
        <source>Applied %n tag(s).</source>
        <translation>
            <numerusform>已应用 %n 个标签。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>VocabularyModel</name>
    <message>
        <source>A tag needs a name.</source>
        <translation>标签需要名称。</translation>
    </message>
    <message>
        <source>The vocabulary has a tag &quot;%1&quot; already.</source>
        <translation>词表中已有标签“%1”。</translation>
    </message>
    <message>
        <source>No such tag.</source>
        <translation>没有此标签。</translation>
    </message>
    <message>
        <source>A category needs a name.</source>
        <translation>类别需要名称。</translation>
    </message>
    <message>
        <source>(no model)</source>
        <translation>（无模型）</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no output yet</source>
        <translation>尚无输出</translation>
    </message>
    <message>
        <source>The current model has no output for this tag; its cells stay empty until a model learns it.</source>
        <translation>当前模型没有此标签的输出；在有模型学会它之前，其单元格保持为空。</translation>
    </message>
    <message>
        <source>Tag</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Model output</source>
        <translation>模型输出</translation>
    </message>
    <message>
        <source>Shown as &quot;%1&quot;; stored and exported as %2</source>
        <translation>显示为“%1”；以 %2 存储和导出</translation>
    </message>
</context>
<context>
    <name>WaveformView</name>
    <message>
        <source>Waveform</source>
        <translation>波形</translation>
    </message>
    <message>
        <source>peak</source>
        <translation>峰值</translation>
    </message>
    <message>
        <source>RMS</source>
        <translation>RMS</translation>
    </message>
</context>
<context>
    <name>c10</name>
    <message>
        <source>it has no %1/data.pkl</source>
        <translation>其中没有 %1/data.pkl</translation>
    </message>
    <message>
        <source>its format version is not one PyTorch 1.13 reads</source>
        <translation>其格式版本不是 PyTorch 1.13 能读取的版本</translation>
    </message>
    <message>
        <source>the tensor record data/%1 is missing</source>
        <translation>缺少张量记录 data/%1</translation>
    </message>
</context>
<context>
    <name>cli</name>
    <message numerus="yes">
        <source>%n file(s) failed:
</source>
        <translation>
            <numerusform>%n 个文件失败：
</numerusform>
        </translation>
    </message>
    <message>
        <source>Usage: taglane-cli COMMAND [ARGUMENTS...]

Taglane&apos;s headless front end. Commands:
</source>
        <translation>用法：taglane-cli COMMAND [ARGUMENTS...]

Taglane 的无界面前端。命令：
</translation>
    </message>
    <message>
        <source>
Run &apos;taglane-cli COMMAND --help&apos; for a command&apos;s options.
</source>
        <translation>
运行 &apos;taglane-cli COMMAND --help&apos; 查看某个命令的选项。
</translation>
    </message>
    <message>
        <source>print duration, rate, channels and format of audio files</source>
        <translation>显示音频文件的时长、采样率、声道数和格式</translation>
    </message>
    <message>
        <source>turn a published PyTorch checkpoint into a model bundle</source>
        <translation>将已发布的 PyTorch 检查点转换为模型包</translation>
    </message>
    <message>
        <source>tag audio files or folders with a model, segment by segment</source>
        <translation>用模型逐片段为音频文件或文件夹打标签</translation>
    </message>
    <message>
        <source>render a synthetic corpus with exact segment labels (FluidSynth)</source>
        <translation>渲染带有精确片段标注的合成语料库（FluidSynth）</translation>
    </message>
    <message>
        <source>import label files (CAL500exp, catalogue, JAMS, Audacity, Sonic Visualiser) into a store</source>
        <translation>将标注文件（CAL500exp、目录、JAMS、Audacity、Sonic Visualiser）导入标注库</translation>
    </message>
    <message>
        <source>export a store&apos;s labels in an exchange format</source>
        <translation>将标注库中的标注导出为交换格式</translation>
    </message>
    <message>
        <source>train or fine-tune a model on labelled audio</source>
        <translation>在已标注的音频上训练或微调模型</translation>
    </message>
    <message>
        <source>evaluate a model on labelled audio: table, JSON and ROC/PR plots</source>
        <translation>在已标注的音频上评估模型：表格、JSON 以及 ROC/PR 图</translation>
    </message>
    <message>
        <source>taglane-cli: unknown command &apos;%1&apos;

</source>
        <translation>taglane-cli: 未知命令 &apos;%1&apos;

</translation>
    </message>
    <message numerus="yes">
        <source>Nothing was imported: %n file(s) rejected (use --keep-going to import the others).
</source>
        <translation>
            <numerusform>未导入任何内容：%n 个文件被拒绝（使用 --keep-going 可导入其余文件）。
</numerusform>
        </translation>
    </message>
    <message>
        <source>Run &apos;%1 --help&apos; for the options.
</source>
        <translation>运行 &apos;%1 --help&apos; 查看选项。
</translation>
    </message>
    <message>
        <source>retrain a model on a store&apos;s curated verdicts; held-out metrics before and after</source>
        <translation>基于标注库中的审校判定重新训练模型；给出留出集上训练前后的指标</translation>
    </message>
    <message>
        <source>above %1 and below %2</source>
        <translation>大于 %1 且小于 %2</translation>
    </message>
    <message>
        <source>above %1 and at most %2</source>
        <translation>大于 %1 且不超过 %2</translation>
    </message>
    <message>
        <source>from %1 up to (not including) %2</source>
        <translation>从 %1 到 %2（不含终点）</translation>
    </message>
    <message>
        <source>from %1 to %2</source>
        <translation>从 %1 到 %2</translation>
    </message>
    <message>
        <source>a number</source>
        <translation>一个数字</translation>
    </message>
    <message>
        <source>a whole number</source>
        <translation>一个整数</translation>
    </message>
    <message>
        <source>%1 needs %2 %3, not &quot;%4&quot;.</source>
        <translation>%1 需要 %2 %3，而不是“%4”。</translation>
    </message>
    <message>
        <source>Lists the model bundles in the user&apos;s model folder, the TAGLANE_MODEL_PATH folders and the bundled folder. A bundled model can be given to --model by its name (e.g. default, instruments).</source>
        <translation>列出用户模型文件夹、TAGLANE_MODEL_PATH 文件夹和内置文件夹中的模型包。内置模型可以按名称传给 --model（例如 default、instruments）。</translation>
    </message>
    <message>
        <source>No model bundles found.
</source>
        <translation>未找到模型包。
</translation>
    </message>
    <message>
        <source>  %1, %2 tags</source>
        <translation>  %1，%2 个标签</translation>
    </message>
    <message>
        <source>  unreadable: %1</source>
        <translation>  无法读取：%1</translation>
    </message>
    <message>
        <source>  (used when no model is chosen)</source>
        <translation>  （未选择模型时使用）</translation>
    </message>
    <message>
        <source>distill a teacher into a trainable student on unlabelled audio; compare them</source>
        <translation>在无标注音频上将教师模型蒸馏为可训练的学生模型；并比较二者</translation>
    </message>
    <message>
        <source>list the model bundles Taglane finds (bundled: default, instruments)</source>
        <translation>列出 Taglane 找到的模型包（内置：default、instruments）</translation>
    </message>
    <message numerus="yes">
        <source>%n track(s).
</source>
        <translation>
            <numerusform>%n 个曲目。
</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n match(es) for %1
</source>
        <translation>
            <numerusform>%1 有 %n 个匹配结果
</numerusform>
        </translation>
    </message>
    <message>
        <source>write a Mel, ERB, ERB-cepstrum or scattering matrix as CSV</source>
        <translation>将 Mel、ERB、ERB 倒谱或散射变换矩阵写为 CSV</translation>
    </message>
    <message>
        <source>add audio to a store&apos;s library, list it, find moved files again</source>
        <translation>将音频添加到标注库的曲库、列出曲库、重新找到被移动的文件</translation>
    </message>
    <message>
        <source>list uncurated cells, most useful verdicts first (uncertainty, disagreement, diverse)</source>
        <translation>列出未审校的单元格，最有用的判定排在最前（uncertainty、disagreement、diverse）</translation>
    </message>
    <message>
        <source>find segments or tracks by tags: &apos;strings &gt;= 0.8 and not curated&apos;</source>
        <translation>按标签查找片段或曲目：&apos;strings &gt;= 0.8 and not curated&apos;</translation>
    </message>
    <message>
        <source>complete a curator&apos;s review of a track from its verdicts and the model; accept suggestions</source>
        <translation>根据判定和模型补全审校者对曲目的审校；接受建议</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>the model %1 (version %2) has tagged nothing in this store (versions there: %3).</source>
        <translation>模型 %1（版本 %2）尚未在此标注库中为任何内容打过标签（其中的版本：%3）。</translation>
    </message>
    <message>
        <source>no model version or bundle &quot;%1&quot; (versions in the store: %2).</source>
        <translation>没有模型版本或模型包“%1”（标注库中的版本：%2）。</translation>
    </message>
    <message>
        <source>copy a whole annotation store between SQLite and PostgreSQL</source>
        <translation>在 SQLite 和 PostgreSQL 之间复制整个标注库</translation>
    </message>
    <message>
        <source>the curator the verdicts are written for (each curator keeps their own verdicts). Default: the login name (%1)</source>
        <translation>判定所写入的审校者（每位审校者保留各自的判定）。默认：登录名（%1）</translation>
    </message>
    <message>
        <source>--curator: %1</source>
        <translation>--curator：%1</translation>
    </message>
    <message>
        <source>agreement between a store&apos;s curators per tag: Cohen&apos;s and Fleiss&apos; kappa, raw agreement</source>
        <translation>按标签计算标注库中审校者之间的一致性：Cohen&apos;s kappa 和 Fleiss&apos; kappa、原始一致率</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Workstation for time-varying music tags</source>
        <translation>时变音乐标签工作站</translation>
    </message>
    <message>
        <source>Audio file to open.</source>
        <translation>要打开的音频文件。</translation>
    </message>
    <message>
        <source>Model to select: a bundle folder or a bundled model&apos;s name (default: real music, 50 MagnaTagATune tags; instruments: 14 instrument and character tags).</source>
        <translation>要选择的模型：模型包文件夹或内置模型的名称（default：真实音乐，50 个 MagnaTagATune 标签；instruments：14 个乐器和特性标签）。</translation>
    </message>
    <message>
        <source>taglane: the model %1 is not a bundle folder or a bundled model&apos;s name (default, instruments).
</source>
        <translation>taglane: 模型 %1 既不是模型包文件夹，也不是内置模型的名称（default、instruments）。
</translation>
    </message>
    <message>
        <source>Annotation store to use: an SQLite file or a postgresql://USER:PASSWORD@HOST:PORT/DB URI (default: %1).</source>
        <translation>要使用的标注库：SQLite 文件或 postgresql://USER:PASSWORD@HOST:PORT/DB URI（默认：%1）。</translation>
    </message>
    <message>
        <source>Curator whose verdicts this session writes and shows; kept in the settings for later sessions (default: the setting, else the login name %1).</source>
        <translation>本次会话写入并显示其判定的审校者；会保存在设置中供以后的会话使用（默认：设置中的值，否则为登录名 %1）。</translation>
    </message>
    <message>
        <source>taglane: --curator: %1</source>
        <translation>taglane: --curator：%1</translation>
    </message>
</context>
<context>
    <name>taglane::app</name>
    <message>
        <source>the folder %1 could not be created.</source>
        <translation>无法创建文件夹 %1。</translation>
    </message>
    <message>
        <source>ROC per tag - %1 (macro AUC %2)</source>
        <translation>各标签 ROC - %1（宏平均 AUC %2）</translation>
    </message>
    <message>
        <source>Precision-recall per tag - %1 (MAP %2)</source>
        <translation>各标签精确率-召回率 - %1（MAP %2）</translation>
    </message>
    <message>
        <source>the plot %1 could not be written.</source>
        <translation>无法写入图表 %1。</translation>
    </message>
    <message>
        <source>ROC, all cells pooled (micro AUC %1)</source>
        <translation>ROC，汇总所有单元格（微平均 AUC %1）</translation>
    </message>
    <message>
        <source>Precision-recall, all cells pooled (AP %1)</source>
        <translation>精确率-召回率，汇总所有单元格（AP %1）</translation>
    </message>
    <message>
        <source>micro</source>
        <translation>微平均</translation>
    </message>
    <message>
        <source>Evaluates a model bundle on a folder of audio with CAL500exp CSVs, segment by segment: per-tag and macro/micro ROC-AUC, PR-AUC (average precision), precision, recall, F1 and mean average accuracy.</source>
        <translation>在带有 CAL500exp CSV 的音频文件夹上逐片段评估模型包：各标签及宏平均/微平均的 ROC-AUC、PR-AUC（平均精确率）、精确率、召回率、F1 以及平均准确率均值。</translation>
    </message>
    <message>
        <source>labelled folder</source>
        <translation>已标注的文件夹</translation>
    </message>
    <message>
        <source>write the metrics as JSON</source>
        <translation>将指标写为 JSON</translation>
    </message>
    <message>
        <source>write ROC and PR plots (PNG) into this folder</source>
        <translation>将 ROC 和 PR 图（PNG）写入此文件夹</translation>
    </message>
    <message>
        <source>decision threshold (default 0.5)</source>
        <translation>决策阈值（默认 0.5）</translation>
    </message>
    <message>
        <source>store the metrics in the bundle&apos;s manifest (&quot;metrics&quot;), e.g. after a held-out evaluation</source>
        <translation>将指标存入模型包的清单（&quot;metrics&quot;），例如在留出集上评估之后</translation>
    </message>
    <message>
        <source>--data DIR is required.</source>
        <translation>必须指定 --data DIR。</translation>
    </message>
    <message>
        <source>no --model was given and the default model (default.tlmodel) was not found.</source>
        <translation>未指定 --model，且未找到默认模型（default.tlmodel）。</translation>
    </message>
    <message>
        <source>--plots needs the GUI libraries (run taglane-cli with --plots on its command line).</source>
        <translation>--plots 需要 GUI 库（请在 taglane-cli 的命令行中带上 --plots 运行）。</translation>
    </message>
    <message>
        <source>warning: </source>
        <translation>警告: </translation>
    </message>
    <message>
        <source>Model %1 (%2) on %3: %4 tracks, %5 segments, threshold %6, %7 s</source>
        <translation>模型 %1（%2）在 %3 上：%4 个曲目，%5 个片段，阈值 %6，%7 s</translation>
    </message>
    <message>
        <source>tag</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>macro</source>
        <translation>宏平均</translation>
    </message>
    <message>
        <source>the bundle %1 could not be reopened to record the metrics.</source>
        <translation>无法重新打开模型包 %1 以记录指标。</translation>
    </message>
    <message>
        <source>tracks to export (default: all)</source>
        <translation>要导出的曲目（默认：全部）</translation>
    </message>
    <message>
        <source>cal500exp, catalogue, jams, audacity or sv</source>
        <translation>cal500exp、catalogue、jams、audacity 或 sv</translation>
    </message>
    <message>
        <source>output folder (created if needed)</source>
        <translation>输出文件夹（必要时创建）</translation>
    </message>
    <message>
        <source>CAL500exp: &apos;soft&apos; (probabilities) or &apos;hard&apos; (0/1). Default: soft</source>
        <translation>CAL500exp：&apos;soft&apos;（概率）或 &apos;hard&apos;（0/1）。默认：soft</translation>
    </message>
    <message>
        <source>probability from which a tag counts as present. Default: 0.5</source>
        <translation>标签视为存在的最低概率。默认：0.5</translation>
    </message>
    <message>
        <source>curator name written to JAMS</source>
        <translation>写入 JAMS 的审校者名称</translation>
    </message>
    <message>
        <source>Sonic Visualiser: write a header line</source>
        <translation>Sonic Visualiser：写出表头行</translation>
    </message>
    <message>
        <source>--store DB is required.</source>
        <translation>必须指定 --store DB。</translation>
    </message>
    <message>
        <source>--out DIR is required.</source>
        <translation>必须指定 --out DIR。</translation>
    </message>
    <message>
        <source>--format FORMAT is required (%1).</source>
        <translation>必须指定 --format FORMAT（%1）。</translation>
    </message>
    <message>
        <source>--values must be soft or hard.</source>
        <translation>--values 必须为 soft 或 hard。</translation>
    </message>
    <message>
        <source>--threshold must be a number from 0 to 1.</source>
        <translation>--threshold 必须是 0 到 1 之间的数字。</translation>
    </message>
    <message>
        <source>%1 holds no tracks: nothing to export.
</source>
        <translation>%1 中没有曲目：没有可导出的内容。
</translation>
    </message>
    <message>
        <source>Exported %1 tracks as %2 to %3.
</source>
        <translation>已将 %1 个曲目以 %2 格式导出到 %3。
</translation>
    </message>
    <message>
        <source>audio file (WAV, FLAC, Ogg, Opus, MP3, ...)</source>
        <translation>音频文件（WAV、FLAC、Ogg、Opus、MP3 等）</translation>
    </message>
    <message>
        <source>write the CSV here instead of to stdout</source>
        <translation>将 CSV 写到此处，而不是标准输出</translation>
    </message>
    <message>
        <source>window and FFT length in samples (default 512)</source>
        <translation>窗口和 FFT 长度，单位为采样数（默认 512）</translation>
    </message>
    <message>
        <source>hop in samples (default 256)</source>
        <translation>帧移，单位为采样数（默认 256）</translation>
    </message>
    <message>
        <source>mel or ERB bands (default 96)</source>
        <translation>mel 或 ERB 频带数（默认 96）</translation>
    </message>
    <message>
        <source>lowest frequency in Hz (default 0)</source>
        <translation>最低频率，单位 Hz（默认 0）</translation>
    </message>
    <message>
        <source>highest frequency in Hz (default: half the rate)</source>
        <translation>最高频率，单位 Hz（默认：采样率的一半）</translation>
    </message>
    <message>
        <source>mel scale: htk (default) or slaney</source>
        <translation>mel 刻度：htk（默认）或 slaney</translation>
    </message>
    <message>
        <source>area-normalise the mel filters (librosa norm=&apos;slaney&apos;)</source>
        <translation>对 mel 滤波器做面积归一化（librosa norm=&apos;slaney&apos;）</translation>
    </message>
    <message>
        <source>mel in dB: 10 log10(max(x, 1e-10)) (default)</source>
        <translation>mel 取 dB 值：10 log10(max(x, 1e-10))（默认）</translation>
    </message>
    <message>
        <source>mel as linear power</source>
        <translation>mel 取线性功率</translation>
    </message>
    <message>
        <source>filter y[n] = x[n] - 0.97 x[n-1] before the STFT</source>
        <translation>在 STFT 之前进行滤波 y[n] = x[n] - 0.97 x[n-1]</translation>
    </message>
    <message>
        <source>erb-cepstrum: coefficients kept (default 20)</source>
        <translation>erb-cepstrum：保留的系数个数（默认 20）</translation>
    </message>
    <message>
        <source>erb-cepstrum: delta regression half-width in frames, 0 for none (default 2)</source>
        <translation>erb-cepstrum：差分回归的半宽（帧数），0 表示不计算差分（默认 2）</translation>
    </message>
    <message>
        <source>significant digits per number (default 6, as the reference files; 9 keeps every float exactly)</source>
        <translation>每个数字的有效位数（默认 6，与参考文件一致；9 可精确保留每个 float）</translation>
    </message>
    <message>
        <source> (see --help)</source>
        <translation> (参见 --help)</translation>
    </message>
    <message>
        <source>no audio file given (see --help)</source>
        <translation>未指定音频文件（参见 --help）</translation>
    </message>
    <message>
        <source>give one audio file, not %1</source>
        <translation>请只指定一个音频文件，而不是 %1 个</translation>
    </message>
    <message>
        <source>--db and --no-db contradict each other</source>
        <translation>--db 与 --no-db 相互矛盾</translation>
    </message>
    <message>
        <source>cannot write to standard output</source>
        <translation>无法写入标准输出</translation>
    </message>
    <message>
        <source>cannot write to standard output: %1</source>
        <translation>无法写入标准输出：%1</translation>
    </message>
    <message>
        <source>Imports label files into an annotation store (created when missing). Every file is read and checked first; a malformed file is reported with its line and nothing is stored unless --keep-going is given.
Exit status: 0 when every file was imported, 1 when a file was rejected, 2 on a usage or store error.</source>
        <translation>将标注文件导入标注库（不存在时创建）。先读取并检查每个文件；格式有误的文件会连同出错行一并报告，并且除非指定 --keep-going，否则不存储任何内容。
退出状态：全部文件导入成功时为 0，有文件被拒绝时为 1，用法或标注库错误时为 2。</translation>
    </message>
    <message>
        <source>label files</source>
        <translation>标注文件</translation>
    </message>
    <message>
        <source>folder of the audio files: a label file is matched to the audio file it names, or to the one with the same stem (a CAL500exp CSV &lt;stem&gt;.csv to &lt;stem&gt;.wav, .flac, ...). Default: the label file&apos;s folder</source>
        <translation>音频文件所在的文件夹：标注文件与其中指明的音频文件匹配，或与主文件名相同的音频文件匹配（CAL500exp CSV 的 &lt;stem&gt;.csv 对应 &lt;stem&gt;.wav、.flac 等）。默认：标注文件所在的文件夹</translation>
    </message>
    <message>
        <source>CAL500exp cells: &apos;auto&apos; (0/1 are curator verdicts, fractions model probabilities), &apos;hard&apos; (&gt;= 0.5 is present) or &apos;soft&apos; (all probabilities). Default: auto</source>
        <translation>CAL500exp 单元格：&apos;auto&apos;（0/1 为审校者判定，小数为模型概率）、&apos;hard&apos;（&gt;= 0.5 为存在）或 &apos;soft&apos;（全部视为概率）。默认：auto</translation>
    </message>
    <message>
        <source>model version for probabilities whose file names none. Default: import</source>
        <translation>文件未指明模型版本时，概率所用的模型版本。默认：import</translation>
    </message>
    <message>
        <source>Audacity / Sonic Visualiser: tags a segment does not list are &apos;absent&apos; or &apos;unknown&apos;. Default: absent</source>
        <translation>Audacity / Sonic Visualiser：片段未列出的标签视为 &apos;absent&apos;（不存在）或 &apos;unknown&apos;（未知）。默认：absent</translation>
    </message>
    <message>
        <source>import the good files even when others are rejected</source>
        <translation>即使有文件被拒绝，也导入没有问题的文件</translation>
    </message>
    <message>
        <source>no label file given.</source>
        <translation>未指定标注文件。</translation>
    </message>
    <message>
        <source>--values must be auto, hard or soft.</source>
        <translation>--values 必须为 auto、hard 或 soft。</translation>
    </message>
    <message>
        <source>--model-version must not be empty.</source>
        <translation>--model-version 不能为空。</translation>
    </message>
    <message>
        <source>--unlisted must be absent or unknown.</source>
        <translation>--unlisted 必须为 absent 或 unknown。</translation>
    </message>
    <message>
        <source>warning: %1
</source>
        <translation>警告: %1
</translation>
    </message>
    <message>
        <source>rejected: %1
</source>
        <translation>已拒绝: %1
</translation>
    </message>
    <message>
        <source>Nothing to import.
</source>
        <translation>没有可导入的内容。
</translation>
    </message>
    <message>
        <source>%1 -&gt; %2: %3 segments, %4 tags
</source>
        <translation>%1 -&gt; %2：%3 个片段，%4 个标签
</translation>
    </message>
    <message>
        <source>Imported %1 tracks into %2.
</source>
        <translation>已将 %1 个曲目导入 %2。
</translation>
    </message>
    <message>
        <source>Imports a published MagnaTagATune checkpoint (a PyTorch state dict saved with torch.save) into a Taglane model bundle. Every key and shape is checked; on any problem nothing is written.</source>
        <translation>将已发布的 MagnaTagATune 检查点（用 torch.save 保存的 PyTorch state dict）导入为 Taglane 模型包。每个键和形状都会经过检查；只要有任何问题，就不写入任何内容。</translation>
    </message>
    <message>
        <source>the .pth state dict</source>
        <translation>.pth state dict 文件</translation>
    </message>
    <message>
        <source>architecture: %1</source>
        <translation>架构：%1</translation>
    </message>
    <message>
        <source>tags in output order, one per line</source>
        <translation>按输出顺序排列的标签，每行一个</translation>
    </message>
    <message>
        <source>the bundle folder to write (NAME.tlmodel)</source>
        <translation>要写入的模型包文件夹（NAME.tlmodel）</translation>
    </message>
    <message>
        <source>a human name for the model</source>
        <translation>模型的可读名称</translation>
    </message>
    <message>
        <source>%1: give --arch, --tags, --out and one checkpoint file
</source>
        <translation>%1: 请指定 --arch、--tags、--out 和一个检查点文件
</translation>
    </message>
    <message>
        <source>Wrote %1: %2, %3 tags, %4 samples per chunk at %5 Hz, version %6
</source>
        <translation>已写入 %1：%2，%3 个标签，每块 %4 个采样（%5 Hz），版本 %6
</translation>
    </message>
    <message>
        <source>Prints the facts of each audio file. With --decode the whole file is decoded, which finds truncated and corrupt files.</source>
        <translation>显示每个音频文件的基本信息。使用 --decode 时会解码整个文件，从而发现被截断或损坏的文件。</translation>
    </message>
    <message>
        <source>audio files</source>
        <translation>音频文件</translation>
    </message>
    <message>
        <source>decode the whole file to check it</source>
        <translation>解码整个文件以进行检查</translation>
    </message>
    <message>
        <source>print one JSON object per file</source>
        <translation>每个文件输出一个 JSON 对象</translation>
    </message>
    <message>
        <source>taglane-cli info: no file given
</source>
        <translation>taglane-cli info: 未指定文件
</translation>
    </message>
    <message>
        <source>duration:    </source>
        <translation>时长:        </translation>
    </message>
    <message>
        <source>sample rate: </source>
        <translation>采样率:      </translation>
    </message>
    <message>
        <source>channels:    </source>
        <translation>声道数:      </translation>
    </message>
    <message>
        <source>frames:      </source>
        <translation>帧数:        </translation>
    </message>
    <message>
        <source>format:      </source>
        <translation>格式:        </translation>
    </message>
    <message>
        <source>Renders a synthetic corpus of multi-segment tracks with FluidSynth: per track a WAV file and a CAL500exp-style CSV with the exact tags of each segment, plus vocabulary.tsv and corpus.json.</source>
        <translation>用 FluidSynth 渲染由多片段曲目组成的合成语料库：每个曲目生成一个 WAV 文件和一个 CAL500exp 风格的 CSV（含每个片段的精确标签），另加 vocabulary.tsv 和 corpus.json。</translation>
    </message>
    <message>
        <source>number of tracks (default 10)</source>
        <translation>曲目数（默认 10）</translation>
    </message>
    <message>
        <source>random seed; the same seed gives the same files (default 1)</source>
        <translation>随机种子；相同的种子生成相同的文件（默认 1）</translation>
    </message>
    <message>
        <source>output folder</source>
        <translation>输出文件夹</translation>
    </message>
    <message>
        <source>sample rate in Hz (default 22050)</source>
        <translation>采样率，单位 Hz（默认 22050）</translation>
    </message>
    <message>
        <source>write mono files (default stereo)</source>
        <translation>写出单声道文件（默认立体声）</translation>
    </message>
    <message>
        <source>no progress display</source>
        <translation>不显示进度</translation>
    </message>
    <message>
        <source>unexpected argument: </source>
        <translation>多余的参数: </translation>
    </message>
    <message>
        <source>--out DIR is required</source>
        <translation>必须指定 --out DIR</translation>
    </message>
    <message>
        <source>rendering: </source>
        <translation>渲染中: </translation>
    </message>
    <message>
        <source>%1 tracks, %2 s of audio, %3 MB in %4 (%5 s, %6x real time)</source>
        <translation>%1 个曲目，%2 s 音频，%3 MB，位于 %4（%5 s，%6 倍实时速度）</translation>
    </message>
    <message>
        <source>warning: %1 samples clipped</source>
        <translation>警告: %1 个采样被削波</translation>
    </message>
    <message>
        <source>%1 does not exist.</source>
        <translation>%1 不存在。</translation>
    </message>
    <message>
        <source>audio files or folders</source>
        <translation>音频文件或文件夹</translation>
    </message>
    <message>
        <source>&apos;csv&apos; (&lt;stem&gt;.csv per file, CAL500exp style: Start_Time,End_Time,&lt;tags&gt;), &apos;catalogue&apos; (one catalogue.csv for all files) or &apos;jams&apos; (&lt;stem&gt;.jams per file). Default: csv</source>
        <translation>&apos;csv&apos;（每个文件一个 &lt;stem&gt;.csv，CAL500exp 风格：Start_Time,End_Time,&lt;tags&gt;）、&apos;catalogue&apos;（所有文件共用一个 catalogue.csv）或 &apos;jams&apos;（每个文件一个 &lt;stem&gt;.jams）。默认：csv</translation>
    </message>
    <message>
        <source>output folder (created if needed). Default: .</source>
        <translation>输出文件夹（必要时创建）。默认：.</translation>
    </message>
    <message>
        <source>cpu, cuda or auto. Default: auto</source>
        <translation>cpu、cuda 或 auto。默认：auto</translation>
    </message>
    <message>
        <source>chunks per forward pass. Default: 8</source>
        <translation>每次前向传播处理的块数。默认：8</translation>
    </message>
    <message>
        <source>CPU threads for the model; 0 = all cores. Default: 0</source>
        <translation>模型使用的 CPU 线程数；0 = 全部核心。默认：0</translation>
    </message>
    <message>
        <source>--model BUNDLE is required.</source>
        <translation>必须指定 --model BUNDLE。</translation>
    </message>
    <message>
        <source>no audio file or folder given.</source>
        <translation>未指定音频文件或文件夹。</translation>
    </message>
    <message>
        <source>unknown format &apos;%1&apos; (use csv, catalogue or jams).</source>
        <translation>未知格式 &apos;%1&apos;（请使用 csv、catalogue 或 jams）。</translation>
    </message>
    <message>
        <source>unknown device &apos;%1&apos; (use cpu, cuda or auto).</source>
        <translation>未知设备 &apos;%1&apos;（请使用 cpu、cuda 或 auto）。</translation>
    </message>
    <message>
        <source>--batch must be a whole number from 1 to 4096.</source>
        <translation>--batch 必须是 1 到 4096 之间的整数。</translation>
    </message>
    <message>
        <source>--threads must be a whole number from 0 to 1024.</source>
        <translation>--threads 必须是 0 到 1024 之间的整数。</translation>
    </message>
    <message>
        <source>cannot create the output folder %1.</source>
        <translation>无法创建输出文件夹 %1。</translation>
    </message>
    <message>
        <source>no audio files found (suffixes: %1).</source>
        <translation>未找到音频文件（后缀：%1）。</translation>
    </message>
    <message>
        <source>Model: %1 (%2, version %3), %4 tags
</source>
        <translation>模型：%1（%2，版本 %3），%4 个标签
</translation>
    </message>
    <message>
        <source>Device: %1
</source>
        <translation>设备：%1
</translation>
    </message>
    <message>
        <source>[%1/%2] %3: failed: %4
</source>
        <translation>[%1/%2] %3：失败：%4
</translation>
    </message>
    <message>
        <source>[%1/%2] %3: %4 segments, %5 s of audio in %6 s</source>
        <translation>[%1/%2] %3：%4 个片段，%5 s 音频，用时 %6 s</translation>
    </message>
    <message>
        <source> (shorter than one model chunk: zero-padded)</source>
        <translation> (短于一个模型块：已补零)</translation>
    </message>
    <message>
        <source>Tagged %1 of %2 files (%3 s of audio) in %4 s on %5.
</source>
        <translation>已在 %5 上为 %2 个文件中的 %1 个打了标签（%3 s 音频），用时 %4 s。
</translation>
    </message>
    <message>
        <source>Trains a tagging model on a folder of audio with CAL500exp CSVs (the synth-corpus layout) and writes a model bundle. Labels are partial: empty CSV cells are left out of the loss. Ctrl+C stops after the current batch and keeps the best epoch so far.</source>
        <translation>在带有 CAL500exp CSV 的音频文件夹（synth-corpus 布局）上训练打标签模型，并写出模型包。标注可以不完整：CSV 中的空单元格不计入损失。按 Ctrl+C 会在当前批次结束后停止，并保留迄今为止最佳的轮次。</translation>
    </message>
    <message>
        <source>training folder</source>
        <translation>训练文件夹</translation>
    </message>
    <message>
        <source>validation folder (default: 15% of the training tracks)</source>
        <translation>验证文件夹（默认：训练曲目的 15%）</translation>
    </message>
    <message>
        <source>output bundle folder (NAME.tlmodel)</source>
        <translation>输出模型包文件夹（NAME.tlmodel）</translation>
    </message>
    <message>
        <source>maximum epochs (default 20)</source>
        <translation>最大轮数（默认 20）</translation>
    </message>
    <message>
        <source>batch size (default 32)</source>
        <translation>批大小（默认 32）</translation>
    </message>
    <message>
        <source>Adam learning rate (default 0.001)</source>
        <translation>Adam 学习率（默认 0.001）</translation>
    </message>
    <message>
        <source>positive-penalty weight, &gt;= 1 (default 1)</source>
        <translation>正样本惩罚权重，&gt;= 1（默认 1）</translation>
    </message>
    <message>
        <source>random seed (default 1)</source>
        <translation>随机种子（默认 1）</translation>
    </message>
    <message>
        <source>early stopping: epochs without a better validation loss (default 3; 0 = off)</source>
        <translation>早停：验证损失未改善的轮数（默认 3；0 = 关闭）</translation>
    </message>
    <message>
        <source>fine-tune from this bundle</source>
        <translation>从此模型包开始微调</translation>
    </message>
    <message>
        <source>continue from this checkpoint</source>
        <translation>从此检查点继续训练</translation>
    </message>
    <message>
        <source>checkpoint written after every epoch (default: BUNDLE.ckpt)</source>
        <translation>每轮结束后写入的检查点（默认：BUNDLE.ckpt）</translation>
    </message>
    <message>
        <source>CPU threads (default 0 = all)</source>
        <translation>CPU 线程数（默认 0 = 全部）</translation>
    </message>
    <message>
        <source>model name in the manifest</source>
        <translation>清单中的模型名称</translation>
    </message>
    <message>
        <source>--out BUNDLE is required.</source>
        <translation>必须指定 --out BUNDLE。</translation>
    </message>
    <message>
        <source>Reading %1 ...</source>
        <translation>正在读取 %1 ...</translation>
    </message>
    <message>
        <source>%1: %2 training examples (%3 tracks), %4 validation examples (%5 tracks), %6 tags; features in %7 s</source>
        <translation>%1：%2 个训练样本（%3 个曲目），%4 个验证样本（%5 个曲目），%6 个标签；特征计算用时 %7 s</translation>
    </message>
    <message>
        <source>epoch %1/%2  train loss %3  validation loss %4  (%5 s)</source>
        <translation>轮次 %1/%2  训练损失 %3  验证损失 %4  (%5 s)</translation>
    </message>
    <message>
        <source>epoch %1/%2  batch %3/%4  loss %5</source>
        <translation>轮次 %1/%2  批次 %3/%4  损失 %5</translation>
    </message>
    <message>
        <source>Wrote %1 (%2, %3 tags): %4 epochs in %5 s, best epoch %6 with validation loss %7%8</source>
        <translation>已写入 %1（%2，%3 个标签）：%4 轮，用时 %5 s，最佳轮次为第 %6 轮，验证损失 %7%8</translation>
    </message>
    <message>
        <source> (stopped by the user)</source>
        <translation> (由用户停止)</translation>
    </message>
    <message>
        <source> (early stop)</source>
        <translation> (早停)</translation>
    </message>
    <message>
        <source>instead of evaluating: choose per-tag decision thresholds on --data (a validation folder, never the test folder) and fold them into the bundle&apos;s output bias, so that 0.5 stays the threshold; rewrites the bundle</source>
        <translation>不进行评估，而是在 --data（验证文件夹，切勿使用测试文件夹）上为各标签选择决策阈值，并将其并入模型包的输出偏置，使阈值仍为 0.5；会改写模型包</translation>
    </message>
    <message>
        <source>--calibrate cannot be combined with --record, --json or --plots.</source>
        <translation>--calibrate 不能与 --record、--json 或 --plots 同时使用。</translation>
    </message>
    <message>
        <source>Calibrated %1 on %2 (%3 segments): bias shift per tag, F1 at 0.5 before and after</source>
        <translation>已在 %2 上校准 %1（%3 个片段）：各标签的偏置偏移量，以及校准前后阈值 0.5 下的 F1</translation>
    </message>
    <message>
        <source>Retrains a model on the curated verdicts of an annotation store (present/absent per segment and tag), holding out part of the curated segments, and prints the held-out metrics before and after. Tags the store has verdicts for and the model lacks are added to the model.</source>
        <translation>基于标注库中的审校判定（每个片段和标签的存在/不存在）重新训练模型，留出部分已审校片段，并输出训练前后的留出集指标。标注库中有判定而模型缺少的标签会被添加到模型中。</translation>
    </message>
    <message>
        <source>new model bundle folder (must not exist)</source>
        <translation>新模型包文件夹（必须尚不存在）</translation>
    </message>
    <message>
        <source>only these tracks: store ids or audio paths, comma separated</source>
        <translation>仅限这些曲目：标注库 ID 或音频路径，以逗号分隔</translation>
    </message>
    <message>
        <source>share of the curated segments held out (default 0.25)</source>
        <translation>留出的已审校片段比例（默认 0.25）</translation>
    </message>
    <message>
        <source>write the before/after metrics as JSON</source>
        <translation>将训练前后的指标写为 JSON</translation>
    </message>
    <message>
        <source>name of the new model</source>
        <translation>新模型的名称</translation>
    </message>
    <message>
        <source>seed of the hold-out draw (default 1)</source>
        <translation>留出抽样的随机种子（默认 1）</translation>
    </message>
    <message>
        <source>epochs (default: the retrainer&apos;s)</source>
        <translation>轮数（默认：重新训练器的设定）</translation>
    </message>
    <message>
        <source>CPU threads (default: all)</source>
        <translation>CPU 线程数（默认：全部）</translation>
    </message>
    <message>
        <source>no progress on stderr</source>
        <translation>不在 stderr 上显示进度</translation>
    </message>
    <message>
        <source>--store STORE is required.</source>
        <translation>必须指定 --store STORE。</translation>
    </message>
    <message>
        <source>%1 already exists; choose a new folder for the retrained model.</source>
        <translation>%1 已存在；请为重新训练后的模型另选一个新文件夹。</translation>
    </message>
    <message>
        <source>the store %1 does not exist.</source>
        <translation>标注库 %1 不存在。</translation>
    </message>
    <message>
        <source>the store %1 has no track %2.</source>
        <translation>标注库 %1 中没有曲目 %2。</translation>
    </message>
    <message>
        <source>embedding track %1/%2</source>
        <translation>正在计算曲目嵌入 %1/%2</translation>
    </message>
    <message>
        <source>epoch %1/%2: loss %3, held-out loss %4</source>
        <translation>轮次 %1/%2：损失 %3，留出集损失 %4</translation>
    </message>
    <message>
        <source>Retrained %1 on %2 curated tracks: %3 segments trained on, %4 held out; %5 s</source>
        <translation>已基于 %2 个已审校曲目重新训练 %1：%3 个片段用于训练，%4 个被留出；用时 %5 s</translation>
    </message>
    <message>
        <source>New tags: %1</source>
        <translation>新标签：%1</translation>
    </message>
    <message>
        <source>New model: %1 (version %2, parent %3)</source>
        <translation>新模型：%1（版本 %2，父版本 %3）</translation>
    </message>
    <message>
        <source>held-out ROC-AUC</source>
        <translation>留出集 ROC-AUC</translation>
    </message>
    <message>
        <source>before</source>
        <translation>之前</translation>
    </message>
    <message>
        <source>after</source>
        <translation>之后</translation>
    </message>
    <message>
        <source>change</source>
        <translation>变化</translation>
    </message>
    <message>
        <source>macro ROC-AUC</source>
        <translation>宏平均 ROC-AUC</translation>
    </message>
    <message>
        <source>macro F1</source>
        <translation>宏平均 F1</translation>
    </message>
    <message>
        <source>(cancelled: the weights of the last finished epoch were kept)</source>
        <translation>（已取消：保留了最后一个完成轮次的权重）</translation>
    </message>
    <message>
        <source>let the learning rate fall from --lr to 0 along a half cosine over --epochs</source>
        <translation>在 --epochs 轮内让学习率沿半个余弦周期从 --lr 降到 0</translation>
    </message>
    <message>
        <source>the data folder %1 does not exist.</source>
        <translation>数据文件夹 %1 不存在。</translation>
    </message>
    <message>
        <source>%1 is a file, not a folder: --data must be a folder of audio files with CAL500exp CSVs.</source>
        <translation>%1 是文件而不是文件夹：--data 必须是包含音频文件及 CAL500exp CSV 的文件夹。</translation>
    </message>
    <message>
        <source>the store %1 holds %2 track(s), but none has a curated verdict (a tag marked present or absent in a segment); curate some segments first.</source>
        <translation>标注库 %1 中有 %2 首曲目，但没有一首有审校过的判定（在某个片段中标为存在或不存在的标签）；请先审校一些片段。</translation>
    </message>
    <message>
        <source>none of the %2 track(s) chosen with --tracks in the store %1 has a curated verdict (a tag marked present or absent in a segment); curate some segments first.</source>
        <translation>在标注库 %1 中用 --tracks 选出的 %2 首曲目都没有审校过的判定（在某个片段中标为存在或不存在的标签）；请先审校一些片段。</translation>
    </message>
    <message>
        <source>seconds of audio decoded and tagged at a time, so that memory stays the same for a track of any length; 0 decodes each whole file first. Default: 60</source>
        <translation>每次解码并打标签的音频秒数，使任意长度的曲目所用内存都相同；0 表示先解码整个文件。默认：60</translation>
    </message>
    <message>
        <source>--window must be a number of seconds from 0 to 86400.</source>
        <translation>--window 必须是 0 到 86400 之间的秒数。</translation>
    </message>
    <message>
        <source>Nothing was written for it; stopping.</source>
        <translation>未为它写出任何内容；停止。</translation>
    </message>
    <message>
        <source>the %1 %2 does not exist.</source>
        <translation>%1 %2 不存在。</translation>
    </message>
    <message>
        <source>%1 is a file, not a folder: the %2 must be a folder of audio files with CAL500exp CSVs.</source>
        <translation>%1 是文件而不是文件夹：%2 必须是包含音频文件及 CAL500exp CSV 的文件夹。</translation>
    </message>
    <message>
        <source>%1 already exists; choose a new folder for the trained model.</source>
        <translation>%1 已存在；请为训练出的模型另选一个新文件夹。</translation>
    </message>
    <message>
        <source>validation folder</source>
        <translation>验证文件夹</translation>
    </message>
    <message>
        <source>the checkpoint %1 (--resume) does not exist.</source>
        <translation>检查点 %1（--resume）不存在。</translation>
    </message>
    <message>
        <source>the checkpoint %1 (--resume) is not a file.</source>
        <translation>检查点 %1（--resume）不是文件。</translation>
    </message>
    <message>
        <source>the separate folder %1</source>
        <translation>单独的文件夹 %1</translation>
    </message>
    <message>
        <source>%1 holds %2 usable track(s); at least 2 are needed to hold tracks out for validation. Give a validation folder with --val-data.</source>
        <translation>%1 中有 %2 首可用曲目；至少需要 2 首才能留出曲目用于验证。请用 --val-data 指定验证文件夹。</translation>
    </message>
    <message>
        <source>%1 of the %2 tracks of the training folder, held out (drawn from seed %3)</source>
        <translation>训练文件夹 %2 首曲目中的 %1 首，留作验证（由种子 %3 抽取）</translation>
    </message>
    <message>
        <source>the %1 %2: %3</source>
        <translation>%1模型 %2：%3</translation>
    </message>
    <message>
        <source>Runs the teacher over every file of the list (windows every --hop samples) and caches its sigmoid outputs in the cache folder, one JSON file per track; files already cached by the same teacher are skipped.</source>
        <translation>让教师模型处理列表中的每个文件（每隔 --hop 个采样取一个窗口），并将其 sigmoid 输出缓存到缓存文件夹中，每个曲目一个 JSON 文件；已由同一教师模型缓存的文件会被跳过。</translation>
    </message>
    <message>
        <source>teacher bundle</source>
        <translation>教师模型包</translation>
    </message>
    <message>
        <source>list of audio files, one a line</source>
        <translation>音频文件列表，每行一个</translation>
    </message>
    <message>
        <source>cache folder (created)</source>
        <translation>缓存文件夹（会自动创建）</translation>
    </message>
    <message>
        <source>hop between windows in samples (default 24064 = 1.504 s)</source>
        <translation>窗口步长，单位为采样数（默认 24064 = 1.504 s）</translation>
    </message>
    <message>
        <source>CPU threads (default 1)</source>
        <translation>CPU 线程数（默认 1）</translation>
    </message>
    <message>
        <source>at most N windows per track, evenly spread (default 0 = all)</source>
        <translation>每个曲目最多 N 个窗口，均匀分布（默认 0 = 全部）</translation>
    </message>
    <message>
        <source>--teacher, --files and --cache are required.</source>
        <translation>必须指定 --teacher、--files 和 --cache。</translation>
    </message>
    <message>
        <source>teacher</source>
        <translation>教师</translation>
    </message>
    <message>
        <source>the cache folder %1 could not be created.</source>
        <translation>无法创建缓存文件夹 %1。</translation>
    </message>
    <message>
        <source>Teacher targets: %1 tracks computed (about %2 s of audio), %3 already cached, in %4 s
</source>
        <translation>教师目标：已计算 %1 个曲目（约 %2 s 音频），%3 个已缓存，用时 %4 s
</translation>
    </message>
    <message>
        <source>%1 is reserved for evaluation (wesnoth-1.16-music); it must never be trained, validated or tuned on.</source>
        <translation>%1 保留用于评估（wesnoth-1.16-music）；绝不能用于训练、验证或调参。</translation>
    </message>
    <message>
        <source>warning: no teacher targets for %1 (%2); skipped.</source>
        <translation>警告: %1 没有教师目标（%2）；已跳过。</translation>
    </message>
    <message>
        <source>none of the files has cached teacher targets; run &apos;distill targets&apos; first.</source>
        <translation>没有任何文件有缓存的教师目标；请先运行 &apos;distill targets&apos;。</translation>
    </message>
    <message>
        <source>Trains a student on cached teacher targets (soft targets: binary cross-entropy against the teacher&apos;s probabilities) and writes a model bundle. Files of wesnoth-1.16-music are refused.</source>
        <translation>用缓存的教师目标训练学生模型（软目标：与教师模型概率之间的二元交叉熵），并写出模型包。wesnoth-1.16-music 中的文件会被拒绝。</translation>
    </message>
    <message>
        <source>training files (list)</source>
        <translation>训练文件（列表）</translation>
    </message>
    <message>
        <source>validation files (list)</source>
        <translation>验证文件（列表）</translation>
    </message>
    <message>
        <source>teacher-target cache folder</source>
        <translation>教师目标缓存文件夹</translation>
    </message>
    <message>
        <source>student architecture (default taglane-mtat-cnn)</source>
        <translation>学生模型架构（默认 taglane-mtat-cnn）</translation>
    </message>
    <message>
        <source>tag vocabulary (default: the teacher&apos;s tags)</source>
        <translation>标签词表（默认：教师模型的标签）</translation>
    </message>
    <message>
        <source>output bundle folder</source>
        <translation>输出模型包文件夹</translation>
    </message>
    <message>
        <source>epochs (default 20)</source>
        <translation>训练轮数（默认 20）</translation>
    </message>
    <message>
        <source>batch size (default 64)</source>
        <translation>批大小（默认 64）</translation>
    </message>
    <message>
        <source>Adam learning rate (default 0.002)</source>
        <translation>Adam 学习率（默认 0.002）</translation>
    </message>
    <message>
        <source>random gain up to +-X dB (default 0)</source>
        <translation>随机增益，最多 +-X dB（默认 0）</translation>
    </message>
    <message>
        <source>random EQ up to +-X dB (default 0)</source>
        <translation>随机均衡，最多 +-X dB（默认 0）</translation>
    </message>
    <message>
        <source>probability of a noise floor (default 0)</source>
        <translation>加入底噪的概率（默认 0）</translation>
    </message>
    <message>
        <source>batches per epoch at most (0 = all)</source>
        <translation>每轮最多批次数（0 = 全部）</translation>
    </message>
    <message>
        <source>--files, --cache and --out are required.</source>
        <translation>必须指定 --files、--cache 和 --out。</translation>
    </message>
    <message>
        <source>unknown architecture &quot;%1&quot;.</source>
        <translation>未知架构“%1”。</translation>
    </message>
    <message>
        <source>soft targets: the teacher&apos;s sigmoid outputs for the same window</source>
        <translation>软目标：教师模型对同一窗口的 sigmoid 输出</translation>
    </message>
    <message>
        <source>the files of %1</source>
        <translation>%1 中的文件</translation>
    </message>
    <message>
        <source>%1: %2 training windows (%3 tracks), %4 validation windows; features in %5 s
</source>
        <translation>%1：%2 个训练窗口（%3 个曲目），%4 个验证窗口；特征计算用时 %5 s
</translation>
    </message>
    <message>
        <source>epoch %1/%2  train loss %3  validation loss %4  (%5 s)
</source>
        <translation>第 %1/%2 轮  训练损失 %3  验证损失 %4  (%5 s)
</translation>
    </message>
    <message>
        <source>epoch %1/%2  batch %3/%4  loss %5  (%6 s)
</source>
        <translation>第 %1/%2 轮  批次 %3/%4  损失 %5  (%6 s)
</translation>
    </message>
    <message>
        <source>%1 tracks of unlabelled audio, windows every %2 samples</source>
        <translation>%1 个无标注音频曲目，每隔 %2 个采样取一个窗口</translation>
    </message>
    <message>
        <source>Wrote %1 (%2, %3 tags): %4 epochs in %5 s (%6 s with features), validation loss %7
</source>
        <translation>已写入 %1（%2，%3 个标签）：%4 轮，用时 %5 s（含特征计算 %6 s），验证损失 %7
</translation>
    </message>
    <message>
        <source>Compares a student with its teacher on the files of a list: per-tag Pearson correlation of 3 s segment probabilities (mean over the tags whose teacher output varies), song-level top-5 agreement, and the inference time of each.</source>
        <translation>在列表中的文件上比较学生模型与其教师模型：3 s 片段概率的逐标签 Pearson 相关系数（对教师输出有变化的标签取均值）、歌曲级 top-5 一致度，以及各自的推理时间。</translation>
    </message>
    <message>
        <source>student bundle or name</source>
        <translation>学生模型包或名称</translation>
    </message>
    <message>
        <source>list of audio files</source>
        <translation>音频文件列表</translation>
    </message>
    <message>
        <source>write the figures as JSON</source>
        <translation>将各项数值写为 JSON</translation>
    </message>
    <message>
        <source>a tag varies when the teacher&apos;s std is at least X (default 0.03)</source>
        <translation>教师模型的标准差至少为 X 时，视为该标签有变化（默认 0.03）</translation>
    </message>
    <message>
        <source>teacher outputs cached by &apos;distill targets --hop 48000&apos; (used where present)</source>
        <translation>由 &apos;distill targets --hop 48000&apos; 缓存的教师输出（存在时使用）</translation>
    </message>
    <message>
        <source>--teacher, --student and --files are required.</source>
        <translation>必须指定 --teacher、--student 和 --files。</translation>
    </message>
    <message>
        <source>student</source>
        <translation>学生</translation>
    </message>
    <message>
        <source>%1 tracks, %2 segments of 3 s, %3 s of audio
</source>
        <translation>%1 个曲目，%2 个 3 s 片段，%3 s 音频
</translation>
    </message>
    <message>
        <source>pearson</source>
        <translation>pearson</translation>
    </message>
    <message>
        <source>t.std</source>
        <translation>t.std</translation>
    </message>
    <message>
        <source>t.mean</source>
        <translation>t.mean</translation>
    </message>
    <message>
        <source>s.mean</source>
        <translation>s.mean</translation>
    </message>
    <message>
        <source>  (does not vary)</source>
        <translation>  （无变化）</translation>
    </message>
    <message>
        <source>mean Pearson over the %1 varying tags (teacher std &gt;= %2): %3
</source>
        <translation>%1 个有变化的标签（教师标准差 &gt;= %2）的平均 Pearson 相关系数：%3
</translation>
    </message>
    <message>
        <source>song-level top-5 agreement: %1 of 5 on average
</source>
        <translation>歌曲级 top-5 一致度：平均 5 个中有 %1 个
</translation>
    </message>
    <message>
        <source>teacher outputs of %1 tracks read from the cache (not timed)
</source>
        <translation>%1 个曲目的教师输出读自缓存（未计时）
</translation>
    </message>
    <message>
        <source>inference: teacher %1 s, student %2 s (student %3x faster, %4 thread(s))
</source>
        <translation>推理：教师 %1 s，学生 %2 s（学生快 %3 倍，%4 个线程）
</translation>
    </message>
    <message>
        <source>%1 could not be written: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <source>Usage: taglane-cli distill targets|train|agree [options]
  targets  run the teacher over unlabelled audio and cache its outputs
  train    train a student on the cached outputs (soft targets)
  agree    compare a student with its teacher (Pearson, top-5, speed)
</source>
        <translation>用法：taglane-cli distill targets|train|agree [options]
  targets  让教师模型处理无标注音频并缓存其输出
  train    用缓存的输出训练学生模型（软目标）
  agree    比较学生模型与其教师模型（Pearson、top-5、速度）
</translation>
    </message>
    <message>
        <source>taglane-cli distill: unknown step &apos;%1&apos;
</source>
        <translation>taglane-cli distill: 未知步骤 &apos;%1&apos;
</translation>
    </message>
    <message>
        <source>model: a bundle folder, or a bundled model&apos;s name (default, instruments); default: default</source>
        <translation>模型：模型包文件夹，或内置模型的名称（default、instruments）；默认：default</translation>
    </message>
    <message>
        <source>base model: a bundle folder, or a bundled model&apos;s name (default, instruments); default: default</source>
        <translation>基础模型：模型包文件夹，或内置模型的名称（default、instruments）；默认：default</translation>
    </message>
    <message>
        <source>General MIDI soundfont, a path or a short name (default: Debian&apos;s FluidR3_GM.sf2)</source>
        <translation>General MIDI 音色库，路径或简称（默认：Debian 的 FluidR3_GM.sf2）</translation>
    </message>
    <message>
        <source>several soundfonts, comma-separated paths or short names (%1; &apos;installed&apos; = all of them that are installed); each instrument part of each segment is played by one drawn from the list</source>
        <translation>多个音色库，以逗号分隔的路径或简称（%1；&apos;installed&apos; = 所有已安装的音色库）；每个片段的每个乐器声部由从列表中抽取的一个音色库演奏</translation>
    </message>
    <message>
        <source>arrangement generator: classic (the first one) or phrase (song forms, voice-led chords, grooves; default classic)</source>
        <translation>编曲生成器：classic（最初的生成器）或 phrase（歌曲曲式、声部进行的和弦、律动；默认 classic）</translation>
    </message>
    <message>
        <source>label-preserving augmentation, seeded per track: all, none, or a comma-separated list of %1 (each kind reaches about half the tracks; default none)</source>
        <translation>保持标注不变的增强，按曲目设定种子：all、none 或以逗号分隔的 %1 列表（每种增强约作用于一半曲目；默认 none）</translation>
    </message>
    <message>
        <source>give --soundfont or --soundfonts, not both</source>
        <translation>请指定 --soundfont 或 --soundfonts，不能同时指定</translation>
    </message>
    <message>
        <source>unknown generator &apos;%1&apos; (use one of: %2)</source>
        <translation>未知生成器 &apos;%1&apos;（请使用以下之一：%2）</translation>
    </message>
    <message>
        <source>note: %1 parts were played by another soundfont or program of the same family (a soundfont lacked the preset)</source>
        <translation>注意：有 %1 个声部改由同一族的其他音色库或音色程序演奏（某个音色库缺少该预设）</translation>
    </message>
    <message>
        <source>the model: a bundle folder (NAME.tlmodel) or a bundled model&apos;s name (default: real music, 50 MagnaTagATune tags; instruments: 14 instrument and character tags)</source>
        <translation>模型：模型包文件夹（NAME.tlmodel）或内置模型的名称（default：真实音乐，50 个 MagnaTagATune 标签；instruments：14 个乐器和特性标签）</translation>
    </message>
    <message>
        <source>the track (id, path, file name or stem)</source>
        <translation>曲目（ID、路径、文件名或主文件名）</translation>
    </message>
    <message>
        <source>probabilities of this model version (default: the last that tagged the track)</source>
        <translation>使用此模型版本的概率（默认：最后为该曲目打标签的版本）</translation>
    </message>
    <message>
        <source>print JSON instead of a table</source>
        <translation>输出 JSON 而不是表格</translation>
    </message>
    <message>
        <source>write &apos;present&apos; for suggestions &gt;= X</source>
        <translation>将 &gt;= X 的建议写为 &apos;present&apos;（存在）</translation>
    </message>
    <message>
        <source>write &apos;absent&apos; for suggestions &lt;= Y</source>
        <translation>将 &lt;= Y 的建议写为 &apos;absent&apos;（不存在）</translation>
    </message>
    <message>
        <source>name exactly one TRACK (got %1).</source>
        <translation>请恰好指定一个 TRACK（实际为 %1 个）。</translation>
    </message>
    <message>
        <source>--accept-below (%1) must be less than --accept-above (%2).</source>
        <translation>--accept-below（%1）必须小于 --accept-above（%2）。</translation>
    </message>
    <message>
        <source>no store at %1.</source>
        <translation>%1 处没有标注库。</translation>
    </message>
    <message>
        <source>&apos;%1&apos; names %2 tracks; name one.</source>
        <translation>&apos;%1&apos; 对应 %2 个曲目；请只指定一个。</translation>
    </message>
    <message>
        <source>track %1 is not in the store.</source>
        <translation>曲目 %1 不在标注库中。</translation>
    </message>
    <message>
        <source>the store knows no model version &apos;%1&apos; (known: %2).</source>
        <translation>标注库中没有模型版本 &apos;%1&apos;（已知：%2）。</translation>
    </message>
    <message>
        <source>the verdicts could not be saved: %1</source>
        <translation>无法保存判定：%1</translation>
    </message>
    <message>
        <source># %1, model %2: %3 segments x %4 tags, %5 curated cells, %6 suggested
</source>
        <translation># %1，模型 %2：%3 个片段 x %4 个标签，%5 个已审校单元格，%6 个建议
</translation>
    </message>
    <message>
        <source>%1 tags lack a probability on some unjudged segment and were left out.
</source>
        <translation>%1 个标签在某些未判定片段上缺少概率，已被排除。
</translation>
    </message>
    <message>
        <source>Fewer than %1 verdicts: too few to judge a completion by, so the suggestions are the model&apos;s probabilities.
</source>
        <translation>判定少于 %1 条：太少，无法据此评判补全结果，因此建议即为模型的概率。
</translation>
    </message>
    <message>
        <source>Held-out verdicts were predicted better by the model&apos;s probabilities than by any completion: the suggestions are the probabilities.
</source>
        <translation>模型的概率对留出判定的预测优于任何补全结果：建议即为这些概率。
</translation>
    </message>
    <message>
        <source>The completion stopped after %1 iterations before converging; the values are approximate.
</source>
        <translation>补全在 %1 次迭代后仍未收敛即停止；这些值是近似值。
</translation>
    </message>
    <message>
        <source>Wrote %1 verdicts (actor &quot;%2&quot;).
</source>
        <translation>已写入 %1 条判定（操作者“%2”）。
</translation>
    </message>
    <message>
        <source>inference: student %1 s (%2 thread(s)); no speed ratio, the teacher was not timed on every track
</source>
        <translation>推理：学生 %1 s（%2 个线程）；无速度比：教师模型并非在每个曲目上都计时
</translation>
    </message>
    <message>
        <source>Computes a time-frequency feature matrix of an audio file and writes it as CSV: one line per band (or cepstral coefficient, then its delta), one column per frame, no header.
Frames are centred at multiples of the hop (reflect padding at the ends), so N samples give 1 + N/hop frames.
  mel           mel band energies (power spectrum), in dB unless --no-db
  erb           ln energy in gammatone-shaped bands equally spaced on the ERB-number scale
  erb-cepstrum  DCT-II of the ERB ln energies (--cepstra rows), then their deltas (--cepstra more rows unless --deltas 0)
  scattering    time scattering (Anden &amp; Mallat), default rate 22050 Hz: first the first-order bands ln(|x * psi1| * phi) (--q1 Morlet wavelets per octave, low to high), then for each of them its second-order paths ln(||x * psi1| * psi2| * phi / S1) (--q2 wavelets per octave, default 1; slower modulations than the band&apos;s bandwidth, low to high); phi averages over --scattering-t samples and frames are every T/4 samples (rounded down to a power of two), N samples giving 1 + N/hop</source>
        <translation>计算音频文件的时频特征矩阵并写为 CSV：每个频带（或倒谱系数，其后是其差分）一行，每帧一列，无表头。
帧以帧移的整数倍为中心（两端采用反射填充），因此 N 个采样得到 1 + N/hop 帧。
  mel           mel 频带能量（功率谱），除非指定 --no-db，否则以 dB 表示
  erb           在 ERB 数刻度上等间距分布的 gammatone 形频带中的 ln 能量
  erb-cepstrum  ERB ln 能量的 DCT-II（--cepstra 行），其后是它们的差分（再加 --cepstra 行，除非 --deltas 0）
  scattering    时间散射变换（Anden &amp; Mallat），默认采样率 22050 Hz：先是一阶频带 ln(|x * psi1| * phi)（每倍频程 --q1 个 Morlet 小波，从低到高），然后对每个一阶频带给出其二阶路径 ln(||x * psi1| * psi2| * phi / S1)（每倍频程 --q2 个小波，默认 1；调制比该频带的带宽慢，从低到高）；phi 在 --scattering-t 个采样上取平均，每隔 T/4 个采样一帧（向下取整到 2 的幂），N 个采样得到 1 + N/hop 帧</translation>
    </message>
    <message>
        <source>mel, erb, erb-cepstrum or scattering (required)</source>
        <translation>mel、erb、erb-cepstrum 或 scattering（必填）</translation>
    </message>
    <message>
        <source>analysis sample rate in Hz (default 16000, 22050 for scattering; 0 keeps the file&apos;s rate)</source>
        <translation>分析采样率，单位 Hz（默认 16000，scattering 为 22050；0 表示保持文件的采样率）</translation>
    </message>
    <message>
        <source>scattering: averaging support T in samples, 64 to 131072 (default 8192, 371 ms at 22050 Hz)</source>
        <translation>scattering：平均支撑 T，单位为采样数，64 到 131072（默认 8192，22050 Hz 下为 371 ms）</translation>
    </message>
    <message>
        <source>scattering: first-order wavelets per octave, 1 to 32 (default 8)</source>
        <translation>scattering：每倍频程的一阶小波数，1 到 32（默认 8）</translation>
    </message>
    <message>
        <source>scattering: second-order wavelets per octave, 1 to 8 (default 1)</source>
        <translation>scattering：每倍频程的二阶小波数，1 到 8（默认 1）</translation>
    </message>
    <message>
        <source>--type is required: mel, erb, erb-cepstrum or scattering</source>
        <translation>必须指定 --type：mel、erb、erb-cepstrum 或 scattering</translation>
    </message>
    <message>
        <source>--%1 does not apply to --type scattering</source>
        <translation>--%1 不适用于 --type scattering</translation>
    </message>
    <message>
        <source>--%1 applies only to --type scattering</source>
        <translation>--%1 仅适用于 --type scattering</translation>
    </message>
    <message>
        <source>Unknown feature type &quot;%1&quot;; expected mel, erb, erb-cepstrum or scattering.</source>
        <translation>未知的特征类型“%1”；应为 mel、erb、erb-cepstrum 或 scattering。</translation>
    </message>
    <message>
        <source>Adds audio files to the store&apos;s library; folders are searched recursively. Tracks are known by content: a file seen before under another path is found again there, a file whose content changed becomes a new track. Progress goes to stderr, the paths of the tracks to stdout. Exit status: 0, 1 when some files could not be added, 2 on a usage or store error.</source>
        <translation>将音频文件添加到标注库的曲库中；会递归搜索文件夹。曲目按内容识别：以前见过但位于其他路径的文件会在新路径下被重新找到，内容已改变的文件会成为新曲目。进度输出到 stderr，曲目路径输出到 stdout。退出状态：成功时为 0，有文件无法添加时为 1，用法或标注库错误时为 2。</translation>
    </message>
    <message>
        <source>%1: does not exist
</source>
        <translation>%1：不存在
</translation>
    </message>
    <message>
        <source>failed: %1</source>
        <translation>失败：%1</translation>
    </message>
    <message>
        <source>added</source>
        <translation>已添加</translation>
    </message>
    <message>
        <source>already in the library</source>
        <translation>已在曲库中</translation>
    </message>
    <message>
        <source>found again (was %1)</source>
        <translation>已重新找到（原为 %1）</translation>
    </message>
    <message>
        <source>same content as %1, already in the library</source>
        <translation>与 %1 内容相同，已在曲库中</translation>
    </message>
    <message>
        <source>[%1/%2] %3: %4
</source>
        <translation>[%1/%2] %3：%4
</translation>
    </message>
    <message>
        <source>Library: %1 added, %2 already there, %3 found again, %4 copies, %5 failed.
</source>
        <translation>曲库：新增 %1 个，已存在 %2 个，重新找到 %3 个，副本 %4 个，失败 %5 个。
</translation>
    </message>
    <message>
        <source>no audio files found (suffixes: %1).
</source>
        <translation>未找到音频文件（后缀：%1）。
</translation>
    </message>
    <message>
        <source>Finds tracks whose file is missing (moved or renamed) by their content in the given folders and records their new paths; their verdicts and predictions stay theirs. Exit status: 0, 1 when tracks are still missing, 2 on a usage or store error.</source>
        <translation>在给定的文件夹中按内容查找文件已缺失（被移动或重命名）的曲目，并记录其新路径；其判定和预测保持不变。退出状态：成功时为 0，仍有曲目缺失时为 1，用法或标注库错误时为 2。</translation>
    </message>
    <message>
        <source>folders (or files) to look in</source>
        <translation>要查找的文件夹（或文件）</translation>
    </message>
    <message>
        <source>no folder given.</source>
        <translation>未指定文件夹。</translation>
    </message>
    <message>
        <source>looked at %1 of %2 files
</source>
        <translation>已查看 %2 个文件中的 %1 个
</translation>
    </message>
    <message>
        <source>%1 -&gt; %2
</source>
        <translation>%1 -&gt; %2
</translation>
    </message>
    <message>
        <source>Relinked %1 tracks; %2 still missing.
</source>
        <translation>已重新关联 %1 个曲目；仍有 %2 个缺失。
</translation>
    </message>
    <message>
        <source>Lists the library: per track its file state (present, missing, changed), duration, the share of cells reviewed, the model versions that tagged it and its top tags (highest mean probability of the newest model run).</source>
        <translation>列出曲库：每个曲目的文件状态（present、missing、changed）、时长、已审校单元格的比例、为其打过标签的模型版本，以及其主要标签（最新一次模型运行中平均概率最高的标签）。</translation>
    </message>
    <message>
        <source>write a JSON array instead of a table</source>
        <translation>输出 JSON 数组而不是表格</translation>
    </message>
    <message>
        <source>top tags per track. Default: 3</source>
        <translation>每个曲目的主要标签数。默认：3</translation>
    </message>
    <message>
        <source>unexpected argument &apos;%1&apos;.</source>
        <translation>多余的参数 &apos;%1&apos;。</translation>
    </message>
    <message>
        <source>state	duration_s	reviewed	models	top_tags	path
</source>
        <translation>state	duration_s	reviewed	models	top_tags	path
</translation>
    </message>
    <message>
        <source>Usage: taglane-cli library add|list|relink --store DB ...
Run &apos;taglane-cli library SUBCOMMAND --help&apos; for its options.
</source>
        <translation>用法：taglane-cli library add|list|relink --store DB ...
运行 &apos;taglane-cli library SUBCOMMAND --help&apos; 查看其选项。
</translation>
    </message>
    <message>
        <source>say add, list or relink.</source>
        <translation>请指定 add、list 或 relink。</translation>
    </message>
    <message>
        <source>unknown subcommand &apos;%1&apos; (use add, list or relink).</source>
        <translation>未知子命令 &apos;%1&apos;（请使用 add、list 或 relink）。</translation>
    </message>
    <message>
        <source>Lists the cells (segment x tag) not curated yet, those whose verdict would teach the model most first.
  uncertainty   probability closest to 0.5 (the version that tagged each track last, or --model)
  disagreement  largest spread between the model versions that scored the same segment and tag
  diverse       uncertain cells mixed across tracks and tags</source>
        <translation>列出尚未审校的单元格（片段 x 标签），其判定对模型帮助最大的排在最前。
  uncertainty   概率最接近 0.5（按最后为各曲目打标签的版本，或 --model）
  disagreement  对同一片段和标签评过分的各模型版本之间分歧最大
  diverse       在各曲目和标签之间混合选取的不确定单元格</translation>
    </message>
    <message>
        <source>a model version in the store, or a bundle / bundled model name</source>
        <translation>标注库中的模型版本，或模型包 / 内置模型名称</translation>
    </message>
    <message>
        <source>cells to list. Default: 20</source>
        <translation>要列出的单元格数。默认：20</translation>
    </message>
    <message>
        <source>uncertainty, disagreement or diverse. Default: uncertainty</source>
        <translation>uncertainty、disagreement 或 diverse。默认：uncertainty</translation>
    </message>
    <message>
        <source>write a JSON array of {track, start, end, tag, probability, ...}</source>
        <translation>输出由 {track, start, end, tag, probability, ...} 组成的 JSON 数组</translation>
    </message>
    <message>
        <source>score	probability	start	end	tag	track
</source>
        <translation>score	probability	start	end	tag	track
</translation>
    </message>
    <message>
        <source>No uncurated cell was scored by two or more model versions.
</source>
        <translation>没有任何未审校单元格被两个或更多模型版本评过分。
</translation>
    </message>
    <message>
        <source>No uncurated cells with predictions (tag the library first: taglane-cli tag --store DB).
</source>
        <translation>没有带预测的未审校单元格（请先为曲库打标签：taglane-cli tag --store DB）。
</translation>
    </message>
    <message>
        <source>Finds segments (or whole tracks) of the library by their tags, e.g.
  taglane-cli search --store DB &apos;strings &gt;= 0.8 and not strings curated&apos;
  taglane-cli search --store DB --tracks &apos;(piano &gt; 0.5 or guitar &gt; 0.5) and curator = anna&apos;
Conditions: TAG &gt;= x (also &gt;, &lt;=, &lt;, =, !=) on the model&apos;s probability (a track: its mean over segments); [TAG] curated [present|absent]; [TAG] curator = NAME. Combine them with and, or, not and parentheses; quote a tag that holds spaces or is a keyword (&quot;Instrument - Piano&quot;).</source>
        <translation>按标签查找曲库中的片段（或整个曲目），例如：
  taglane-cli search --store DB &apos;strings &gt;= 0.8 and not strings curated&apos;
  taglane-cli search --store DB --tracks &apos;(piano &gt; 0.5 or guitar &gt; 0.5) and curator = anna&apos;
条件：TAG &gt;= x（也可用 &gt;、&lt;=、&lt;、=、!=），作用于模型的概率（对曲目而言：其各片段的均值）；[TAG] curated [present|absent]；[TAG] curator = NAME。可用 and、or、not 和括号组合条件；含空格或与关键字同名的标签需加引号（&quot;Instrument - Piano&quot;）。</translation>
    </message>
    <message>
        <source>the query (one argument: quote it in the shell)</source>
        <translation>查询（单个参数：在 shell 中用引号括起来）</translation>
    </message>
    <message>
        <source>probabilities of this model version (or bundle / bundled model name); default: per track the version that tagged it last</source>
        <translation>使用此模型版本（或模型包 / 内置模型名称）的概率；默认：每个曲目使用最后为其打标签的版本</translation>
    </message>
    <message>
        <source>match whole tracks instead of segments</source>
        <translation>匹配整个曲目而不是片段</translation>
    </message>
    <message>
        <source>at most N hits; 0: all. Default: 0</source>
        <translation>最多 N 个结果；0：全部。默认：0</translation>
    </message>
    <message>
        <source>write a JSON array of {track, start, end, ...}</source>
        <translation>输出由 {track, start, end, ...} 组成的 JSON 数组</translation>
    </message>
    <message>
        <source>no query given.</source>
        <translation>未指定查询。</translation>
    </message>
    <message>
        <source>give the query as one argument (quote it), not %1.</source>
        <translation>请将查询作为单个参数给出（用引号括起来），而不是 %1 个。</translation>
    </message>
    <message>
        <source>&apos;chunk&apos; (one segment per model chunk), &apos;fixed:SECONDS&apos; (windows of 3 to 16 s; a tail shorter than 3 s joins the previous segment) or &apos;novelty&apos; (self-similarity boundaries, segments of 3 to 16 s; decodes each whole file). Default: chunk</source>
        <translation>&apos;chunk&apos;（每个模型块一个片段）、&apos;fixed:SECONDS&apos;（3 到 16 s 的窗口；短于 3 s 的尾部并入前一个片段）或 &apos;novelty&apos;（按自相似性确定边界，片段长 3 到 16 s；会解码每个完整文件）。默认：chunk</translation>
    </message>
    <message>
        <source>write the predictions into this annotation store (see above); --model defaults to &apos;default&apos; then</source>
        <translation>将预测写入此标注库（见上文）；此时 --model 默认为 &apos;default&apos;</translation>
    </message>
    <message>
        <source>with --store: tag only the I-th of N shards of the library (tracks assigned by content hash, so N jobs, e.g. a Slurm job array, share a library without overlap; shards count from 1). Default: 1/1</source>
        <translation>与 --store 一起使用：只为曲库 N 个分片中的第 I 个打标签（曲目按内容哈希分配，因此 N 个作业，例如一个 Slurm 作业数组，可以无重叠地共享一个曲库；分片从 1 开始计数）。默认：1/1</translation>
    </message>
    <message>
        <source>with --store: when another process is writing the store (an SQLite store has one writer at a time), wait up to SECONDS for it instead of failing. Default: 0</source>
        <translation>与 --store 一起使用：当另一个进程正在写入标注库时（SQLite 标注库同一时间只能有一个写入者），最多等待 SECONDS 秒，而不是直接失败。默认：0</translation>
    </message>
    <message>
        <source>--%1 writes files; it cannot be used with --store.</source>
        <translation>--%1 会写出文件；不能与 --store 一起使用。</translation>
    </message>
    <message>
        <source>--shard divides a library: it needs --store.</source>
        <translation>--shard 用于划分曲库：它需要 --store。</translation>
    </message>
    <message>
        <source>--wait-for-store needs --store.</source>
        <translation>--wait-for-store 需要 --store。</translation>
    </message>
    <message>
        <source>--wait-for-store must be a whole number of seconds from 0 to 604800.</source>
        <translation>--wait-for-store 必须是 0 到 604800 之间的整数秒数。</translation>
    </message>
    <message>
        <source>%1: in use by another process; waiting up to %2 s for it.
</source>
        <translation>%1：正被另一个进程使用；最多等待 %2 s。
</translation>
    </message>
    <message>
        <source>no audio files found.</source>
        <translation>未找到音频文件。</translation>
    </message>
    <message>
        <source>%1: failed: %2
</source>
        <translation>%1：失败：%2
</translation>
    </message>
    <message>
        <source>Shard %1/%2: %3 of the %4 tracks left to tag are this shard&apos;s.
</source>
        <translation>分片 %1/%2：待打标签的 %4 个曲目中有 %3 个属于此分片。
</translation>
    </message>
    <message>
        <source>%1 tracks to tag with %2 (tracks this version tagged before are left as they are).
</source>
        <translation>有 %1 个曲目要用 %2 打标签（此版本之前已打过标签的曲目保持不变）。
</translation>
    </message>
    <message>
        <source>[%1/%2] %3: </source>
        <translation>[%1/%2] %3：</translation>
    </message>
    <message>
        <source>%1 segments%2, %3 s of audio in %4 s</source>
        <translation>%1 个片段%2，%3 s 音频，用时 %4 s</translation>
    </message>
    <message>
        <source> (its segments kept)</source>
        <translation> (保留了原有片段)</translation>
    </message>
    <message>
        <source>skipped: %1</source>
        <translation>已跳过：%1</translation>
    </message>
    <message>
        <source>Tagged %1 of %2 tracks (%3 s of audio) in %4 s on %5; %6 skipped, %7 failed.
</source>
        <translation>已在 %5 上为 %2 个曲目中的 %1 个打了标签（%3 s 音频），用时 %4 s；跳过 %6 个，失败 %7 个。
</translation>
    </message>
    <message>
        <source>Nothing was saved for that track; stopping.</source>
        <translation>该曲目未保存任何内容；停止。</translation>
    </message>
    <message>
        <source>interrupted; run the same command again to tag the rest.</source>
        <translation>已中断；再次运行相同的命令即可为其余曲目打标签。</translation>
    </message>
    <message>
        <source>the annotation store: an SQLite file or a postgresql://USER:PASSWORD@HOST:PORT/DB URI</source>
        <translation>标注库：SQLite 文件或 postgresql://USER:PASSWORD@HOST:PORT/DB URI</translation>
    </message>
    <message>
        <source>annotation store (read only): an SQLite file or a postgresql:// URI</source>
        <translation>标注库（只读）：SQLite 文件或 postgresql:// URI</translation>
    </message>
    <message>
        <source>Copies a whole annotation store (tracks, segmentations, segments, tags, verdicts, predictions, prediction runs, model versions and the edit log, ids kept) from FROM to TO, between SQLite and PostgreSQL in either direction. FROM and TO are SQLite files or postgresql://USER:PASSWORD@HOST:PORT/DB URIs (parts left out come from PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE). TO must be new: a missing file, an empty database, or a store without rows. The copy is one transaction: all of it or nothing.</source>
        <translation>将整个标注库（曲目、分段、片段、标签、判定、预测、预测运行、模型版本和编辑日志，保留 id）从 FROM 复制到 TO，可在 SQLite 和 PostgreSQL 之间双向复制。FROM 和 TO 为 SQLite 文件或 postgresql://USER:PASSWORD@HOST:PORT/DB URI（省略的部分取自 PGHOST、PGPORT、PGUSER、PGPASSWORD、PGDATABASE）。TO 必须是新的：不存在的文件、空数据库，或没有任何行的标注库。复制在一个事务中完成：要么全部复制，要么什么都不复制。</translation>
    </message>
    <message>
        <source>the store to copy</source>
        <translation>要复制的标注库</translation>
    </message>
    <message>
        <source>the new store</source>
        <translation>新的标注库</translation>
    </message>
    <message>
        <source>give FROM and TO (got %1 argument(s)).</source>
        <translation>请给出 FROM 和 TO（实际给出 %1 个参数）。</translation>
    </message>
    <message>
        <source>Copied %1 row(s) from %2 to %3 in %4 s.</source>
        <translation>已将 %1 行从 %2 复制到 %3，用时 %4 s。</translation>
    </message>
    <message>
        <source>Usage: %1 SUBCOMMAND ...

  copy FROM TO   copy a whole store between SQLite and PostgreSQL (either direction)

Run &apos;%1 SUBCOMMAND --help&apos; for its options.
</source>
        <translation>用法：%1 SUBCOMMAND ...

  copy FROM TO   在 SQLite 和 PostgreSQL 之间复制整个标注库（双向均可）

运行 &apos;%1 SUBCOMMAND --help&apos; 查看其选项。
</translation>
    </message>
    <message>
        <source>Tags audio files segment by segment with a model bundle and writes the probabilities.
Folders are searched recursively for audio files. Exit status: 0 when every file was tagged, 1 when some failed (they are listed at the end), 2 on a usage or model error (including a model that gives NaN or infinite probabilities, which are never written).
With --store DB the predictions go into the annotation store instead of files: without FILE|DIR every library track that the model version has not tagged yet is tagged; FILE|DIR are added to the library first. Each track is saved whole or not at all, so a run that is stopped or killed, started again, tags only what is left. A track that has segments keeps them.
The model&apos;s OpenMP threads wait passively (OMP_WAIT_POLICY=PASSIVE) unless the environment says otherwise: spinning threads slow tagging down whenever the cores have other work.</source>
        <translation>用模型包逐片段为音频文件打标签，并写出概率。
会递归搜索文件夹中的音频文件。退出状态：全部文件打标签成功时为 0，部分文件失败时为 1（失败的文件会在最后列出），用法或模型错误时为 2（包括模型给出 NaN 或无穷大的概率，这类概率永远不会被写出）。
使用 --store DB 时，预测写入标注库而非文件：未指定 FILE|DIR 时，为该模型版本尚未打过标签的每个曲库曲目打标签；指定的 FILE|DIR 会先被添加到曲库。每个曲目要么完整保存，要么完全不保存，因此被停止或被终止的运行再次启动后，只会为剩余的曲目打标签。已有片段的曲目会保留其片段。
除非环境另有设置，模型的 OpenMP 线程会被动等待（OMP_WAIT_POLICY=PASSIVE）：每当核心还有其他工作时，自旋等待的线程会拖慢打标签速度。</translation>
    </message>
    <message>
        <source>cnn-sam: weight W of the attention penalty W ||AA^T - I||_F^2 added to the loss (default 0 = off)</source>
        <translation>cnn-sam：加到损失上的注意力惩罚 W ||AA^T - I||_F^2 的权重 W（默认 0 = 关闭）</translation>
    </message>
    <message>
        <source>--attention-penalty applies only to --arch cnn-sam.</source>
        <translation>--attention-penalty 仅适用于 --arch cnn-sam。</translation>
    </message>
    <message>
        <source>where the training windows go: &apos;fixed&apos; (every half window along each track) or &apos;novelty&apos; (inside the segments self-similarity novelty finds, never across their boundaries). Default: fixed</source>
        <translation>训练窗口的放置方式：&apos;fixed&apos;（沿每首曲目每隔半个窗口放置一个）或 &apos;novelty&apos;（放在自相似新颖度找到的片段之内，从不跨越片段边界）。默认：fixed</translation>
    </message>
    <message>
        <source>Agreement between the curators of an annotation store, per tag: Cohen&apos;s kappa and raw agreement for every pair of curators (over the cells both judged), Fleiss&apos; kappa when more than two curators judged (over the cells all of them judged), and the raw pairwise agreement of all. Cells are the segments of each track&apos;s current segmentation; a kappa that is undefined (no common cells, or every verdict the same) is &apos;-&apos; (null in JSON).
Exit status: 0 on success, 1 when fewer than two curators gave verdicts, 2 on a usage or store error.</source>
        <translation>按标签计算标注库中审校者之间的一致性：对每一对审校者计算 Cohen&apos;s kappa 和原始一致率（基于两人都判定过的单元格），当有两位以上审校者给出判定时计算 Fleiss&apos; kappa（基于所有人都判定过的单元格），以及全体审校者的两两原始一致率。单元格是每首曲目当前分段中的片段；无定义的 kappa（没有共同单元格，或所有判定都相同）显示为 &apos;-&apos;（JSON 中为 null）。
退出状态：成功时为 0，给出判定的审校者少于两位时为 1，用法或标注库错误时为 2。</translation>
    </message>
    <message>
        <source>%1 holds no verdicts: agreement needs verdicts of at least two curators.</source>
        <translation>%1 中没有判定：一致性计算需要至少两位审校者的判定。</translation>
    </message>
    <message>
        <source>%1 holds verdicts of one curator only (%2): agreement needs at least two curators (write verdicts with --curator NAME).</source>
        <translation>%1 中只有一位审校者（%2）的判定：一致性计算需要至少两位审校者（请用 --curator NAME 写入判定）。</translation>
    </message>
    <message>
        <source># %1: %2 curators (%3), %4 tags with verdicts
</source>
        <translation># %1：%2 位审校者（%3），%4 个有判定的标签
</translation>
    </message>
    <message>
        <source>Completes a curator&apos;s review of one track: from the verdicts given so far and the model&apos;s probabilities (as side information), suggests a value for every cell not yet judged (low-rank matrix completion; about 1 = present, about 0 = absent). With --accept-above / --accept-below the suggestions beyond those values are written as verdicts (actor &quot;completion&quot;) of the curator (--curator); the review starts from that curator&apos;s own verdicts.
Exit status: 0 on success, 1 when the track cannot be completed, 2 on a usage or store error.</source>
        <translation>补全某位审校者对一首曲目的审校：根据目前已给出的判定和模型的概率（作为辅助信息），为每个尚未判定的单元格给出建议值（低秩矩阵补全；约为 1 = 存在，约为 0 = 不存在）。使用 --accept-above / --accept-below 时，超出这些值的建议会作为该审校者（--curator）的判定写入（actor 为 &quot;completion&quot;）；审校从该审校者自己的判定开始。
退出状态：成功时为 0，曲目无法补全时为 1，用法或标注库错误时为 2。</translation>
    </message>
    <message>
        <source>Exports the labels of an annotation store: the whole library, or the tracks named (by id, path, file name or stem). Per-track formats write &lt;stem&gt;&lt;suffix&gt; per track; the catalogue writes one catalogue.csv.
Curator verdicts are written as such; a cell the curator never judged is written from the model (present when its probability &gt;= the threshold).
Where several curators judged a cell, the tag&apos;s rule (taglane-cli store rule) decides its verdict; a cell it leaves unresolved is written as unjudged, and their number is reported.
Exit status: 0 when every track was exported, 1 when some failed, 2 on a usage or store error.</source>
        <translation>导出标注库的标注：整个曲库，或指定的曲目（按 ID、路径、文件名或主文件名）。按曲目的格式为每个曲目写一个 &lt;stem&gt;&lt;suffix&gt;；目录格式写一个 catalogue.csv。
审校者的判定按原样写出；审校者从未判定过的单元格按模型写出（概率 &gt;= 阈值时为存在）。
若多位审校者判定过同一单元格，由该标签的规则（taglane-cli store rule）决定其判定；规则未能决定的单元格写为未判定，并报告其数量。
退出状态：所有曲目都已导出时为 0，部分失败时为 1，用法或标注库错误时为 2。</translation>
    </message>
    <message>
        <source>%1 cell(s) where curators disagree and the tag&apos;s rule decides nothing were written as unjudged (see taglane-cli store rule).
</source>
        <translation>有 %1 个单元格因审校者意见不一且标签的规则未作决定，已写为未判定（参见 taglane-cli store rule）。
</translation>
    </message>
    <message>
        <source>Shows or sets how the cells of a tag that several curators judged are decided for training, retraining and export: &apos;majority&apos; (the verdict more curators gave; a tie is unresolved; the default), &apos;lead:NAME&apos; (the lead curator&apos;s verdict where they judged the cell, elsewhere the verdict all curators agree on) or &apos;unresolved&apos; (only a verdict all curators agree on). An unresolved cell counts as unknown: masked out of training, left out of exports. No verdict is changed by a rule.
Without TAG, lists every tag&apos;s rule; with TAG alone, prints its rule.
Exit status: 0 on success, 2 on a usage or store error.</source>
        <translation>显示或设置在训练、重新训练和导出时，如何决定由多位审校者判定过的某个标签的单元格：&apos;majority&apos;（采用较多审校者给出的判定；票数相同则为未决；默认）、&apos;lead:NAME&apos;（在主审校者判定过的单元格采用其判定，其他单元格采用所有审校者一致的判定）或 &apos;unresolved&apos;（仅采用所有审校者一致的判定）。未决的单元格视为未知：在训练中被掩蔽，在导出中略去。规则不会更改任何判定。
不带 TAG 时，列出每个标签的规则；仅带 TAG 时，输出其规则。
退出状态：成功时为 0，用法或标注库错误时为 2。</translation>
    </message>
    <message>
        <source>the tag</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>majority, lead:NAME or unresolved</source>
        <translation>majority、lead:NAME 或 unresolved</translation>
    </message>
    <message>
        <source>give at most TAG and RULE (got %1 arguments).</source>
        <translation>最多只能给出 TAG 和 RULE（实际给出了 %1 个参数）。</translation>
    </message>
    <message>
        <source>%1 has no tag &apos;%2&apos;.</source>
        <translation>%1 中没有标签 &apos;%2&apos;。</translation>
    </message>
    <message>
        <source>the store refused the rule.</source>
        <translation>标注库拒绝了该规则。</translation>
    </message>
    <message>
        <source>The verdicts of %1 are now decided by: %2.
</source>
        <translation>%1 的判定现由以下规则决定：%2。
</translation>
    </message>
    <message>
        <source>
  rule [TAG [RULE]] --store DB   show or set how a tag&apos;s cells are decided when curators disagree (majority, lead:NAME, unresolved)
</source>
        <translation>
  rule [TAG [RULE]] --store DB   显示或设置审校者意见不一时如何决定某个标签的单元格（majority、lead:NAME、unresolved）
</translation>
    </message>
    <message>
        <source>unknown subcommand &apos;%1&apos; (known: copy, rule).</source>
        <translation>未知子命令 &apos;%1&apos;（已知：copy、rule）。</translation>
    </message>
    <message>
        <source>default, tvcnn, tvcnn-lstm, scatter-gru, scatter-lstm, scatter-cnn, cnn-sam, fusion-linear, mia-ernn, mia-ernn-af, mia-ernn-se, mia-ernn-am, mia-ernn-et or mat-gru (default: default)</source>
        <translation>default、tvcnn、tvcnn-lstm、scatter-gru、scatter-lstm、scatter-cnn、cnn-sam、fusion-linear、mia-ernn、mia-ernn-af、mia-ernn-se、mia-ernn-am、mia-ernn-et 或 mat-gru（默认：default）</translation>
    </message>
    <message>
        <source>mia-ernn kinds and mat-gru: fraction F of feature frames removed as missing, in training and (stored in the bundle, a fixed draw) at inference; 0 &lt;= F &lt; 1 (default 0)</source>
        <translation>mia-ernn 系列和 mat-gru：作为缺失而移除的特征帧比例 F，用于训练以及推理（推理时保存在模型包中，为固定抽样）；0 &lt;= F &lt; 1（默认 0）</translation>
    </message>
    <message>
        <source>label noise: flip each known training label with probability P, 0..0.5 (default 0; validation labels are never flipped)</source>
        <translation>标签噪声：以概率 P 翻转每个已知的训练标签，0..0.5（默认 0；验证标签从不翻转）</translation>
    </message>
    <message>
        <source>unknown architecture &quot;%1&quot; (known: default, tvcnn, tvcnn-lstm, scatter-gru, scatter-lstm, scatter-cnn, cnn-sam, fusion-linear, mia-ernn, mia-ernn-af, mia-ernn-se, mia-ernn-am, mia-ernn-et, mat-gru).</source>
        <translation>未知架构“%1”（已知：default、tvcnn、tvcnn-lstm、scatter-gru、scatter-lstm、scatter-cnn、cnn-sam、fusion-linear、mia-ernn、mia-ernn-af、mia-ernn-se、mia-ernn-am、mia-ernn-et、mat-gru）。</translation>
    </message>
    <message>
        <source>--drop-frames applies only to the mia-ernn architectures and mat-gru.</source>
        <translation>--drop-frames 仅适用于 mia-ernn 系列架构和 mat-gru。</translation>
    </message>
</context>
<context>
    <name>taglane::engine</name>
    <message>
        <source>%1: file not found</source>
        <translation>%1：找不到文件</translation>
    </message>
    <message>
        <source>%1: is a folder, not an audio file</source>
        <translation>%1：是文件夹，不是音频文件</translation>
    </message>
    <message>
        <source>%1: permission denied</source>
        <translation>%1：权限被拒绝</translation>
    </message>
    <message>
        <source>%1: the file is empty (0 bytes)</source>
        <translation>%1：文件为空（0 字节）</translation>
    </message>
    <message>
        <source>%1: invalid header (%2 channels, %3 Hz)</source>
        <translation>%1：文件头无效（%2 个声道，%3 Hz）</translation>
    </message>
    <message>
        <source>%1: several label files match (%2); using the first.</source>
        <translation>%1：有多个标注文件匹配（%2）；使用第一个。</translation>
    </message>
    <message>
        <source>%1, %2: %3</source>
        <translation>%1，%2：%3</translation>
    </message>
    <message>
        <source>the track</source>
        <translation>该曲目</translation>
    </message>
    <message>
        <source>The tags file %1 does not exist.</source>
        <translation>标签文件 %1 不存在。</translation>
    </message>
    <message>
        <source>The tags file %1 cannot be read: %2</source>
        <translation>无法读取标签文件 %1：%2</translation>
    </message>
    <message>
        <source>The tags file %1 lists no tags.</source>
        <translation>标签文件 %1 未列出任何标签。</translation>
    </message>
    <message>
        <source>Unknown architecture &quot;%1&quot;; Taglane imports %2.</source>
        <translation>未知架构“%1”；Taglane 可导入 %2。</translation>
    </message>
    <message>
        <source>No tags were given for %1.</source>
        <translation>未为 %1 指定标签。</translation>
    </message>
    <message>
        <source>No output folder was given for the model bundle.</source>
        <translation>未指定模型包的输出文件夹。</translation>
    </message>
    <message>
        <source>The checkpoint %1 does not exist.</source>
        <translation>检查点 %1 不存在。</translation>
    </message>
    <message>
        <source>The checkpoint %1 cannot be read: %2</source>
        <translation>无法读取检查点 %1：%2</translation>
    </message>
    <message>
        <source>%1 does not exist.</source>
        <translation>%1 不存在。</translation>
    </message>
    <message>
        <source>%1 is not a file.</source>
        <translation>%1 不是文件。</translation>
    </message>
    <message>
        <source>%1 cannot be read: %2</source>
        <translation>无法读取 %1：%2</translation>
    </message>
    <message>
        <source>Tensor &quot;%1&quot; has shape %2 but %3 values.</source>
        <translation>张量“%1”的形状为 %2，但有 %3 个值。</translation>
    </message>
    <message>
        <source>%1 could not be written: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <source>Novelty segmentation: the segment limits must satisfy 0 &lt; minimum and 2 x minimum &lt;= maximum (got %1 s and %2 s).</source>
        <translation>新颖度分段：片段长度限制必须满足 0 &lt; 最小值 且 2 x 最小值 &lt;= 最大值（实际为 %1 s 和 %2 s）。</translation>
    </message>
    <message>
        <source>Novelty segmentation: the frame and kernel lengths must be positive (got %1 s and %2 s).</source>
        <translation>新颖度分段：帧长和核长必须为正数（实际为 %1 s 和 %2 s）。</translation>
    </message>
    <message>
        <source>Novelty segmentation: the audio is empty.</source>
        <translation>新颖度分段：音频为空。</translation>
    </message>
    <message>
        <source>Novelty segmentation: %1</source>
        <translation>新颖度分段：%1</translation>
    </message>
    <message>
        <source>Novelty segmentation was cancelled.</source>
        <translation>新颖度分段已取消。</translation>
    </message>
    <message>
        <source>The checkpoint %1 could not be written: %2</source>
        <translation>无法写入检查点 %1：%2</translation>
    </message>
    <message>
        <source>The checkpoint %1 could not be read (is it a checkpoint of this architecture?): %2</source>
        <translation>无法读取检查点 %1（它是此架构的检查点吗？）：%2</translation>
    </message>
    <message>
        <source>The %1 clips are inconsistent (sizes or sequence length).</source>
        <translation>%1切片不一致（大小或序列长度）。</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <source>The clips name %1, which the folder does not hold.</source>
        <translation>切片引用了 %1，但文件夹中没有该文件。</translation>
    </message>
    <message>
        <source>%1 does not hold %2 outputs for the manifest&apos;s tags.</source>
        <translation>%1 不包含与清单中各标签对应的 %2 个输出。</translation>
    </message>
    <message>
        <source>%1 is a %2 model; only Taglane&apos;s trainable architectures can be calibrated.</source>
        <translation>%1 是 %2 模型；只有 Taglane 的可训练架构才能校准。</translation>
    </message>
    <message>
        <source>The model %1 could not be loaded: %2</source>
        <translation>无法加载模型 %1：%2</translation>
    </message>
    <message>
        <source>The model failed on %1: %2</source>
        <translation>模型在 %1 上运行失败：%2</translation>
    </message>
    <message>
        <source>No labelled segment of %1 could be scored.</source>
        <translation>%1 中没有任何已标注的片段可以评分。</translation>
    </message>
    <message>
        <source>its WAV header has a truncated format chunk</source>
        <translation>其 WAV 文件头的格式块被截断</translation>
    </message>
    <message>
        <source>its WAV header declares a sample rate of 0</source>
        <translation>其 WAV 文件头声明的采样率为 0</translation>
    </message>
    <message>
        <source>its WAV header declares 0 channels</source>
        <translation>其 WAV 文件头声明的声道数为 0</translation>
    </message>
    <message>
        <source>%1: not a regular file (a device, pipe or socket), so not an audio file</source>
        <translation>%1：不是普通文件（是设备、管道或套接字），因此不是音频文件</translation>
    </message>
    <message>
        <source>%1: cannot open as audio: %2</source>
        <translation>%1：无法作为音频打开：%2</translation>
    </message>
    <message>
        <source>%1: cannot open as audio: it is not an audio file libsndfile can read (not an audio format Taglane reads: WAV, FLAC, Ogg Vorbis, Opus, MP3, AIFF)</source>
        <translation>%1：无法作为音频打开：libsndfile 无法读取它（不是 Taglane 能读取的音频格式：WAV、FLAC、Ogg Vorbis、Opus、MP3、AIFF）</translation>
    </message>
    <message>
        <source>%1 (%2-%3 s, &quot;%4&quot;) is not in it</source>
        <translation>%1（%2-%3 秒，“%4”）不在其中</translation>
    </message>
    <message>
        <source>%1 (%2-%3 s, &quot;%4&quot;) is %5 there</source>
        <translation>%1（%2-%3 秒，“%4”）在那里为 %5</translation>
    </message>
    <message>
        <source>its cell %1-%2 s, &quot;%3&quot; (%4) has no observation</source>
        <translation>其单元格 %1-%2 秒，“%3”（%4）没有观测</translation>
    </message>
    <message>
        <source>%1: the store could not take the file&apos;s tags.</source>
        <translation>%1：标注库无法接收该文件的标签。</translation>
    </message>
    <message>
        <source>The annotation store %1 refused the verdicts of %2.</source>
        <translation>标注库 %1 拒绝了 %2 的判定。</translation>
    </message>
    <message>
        <source>Imported labels</source>
        <translation>导入的标注</translation>
    </message>
    <message>
        <source>The model bundle %1 expects %2 Hz audio (&quot;sampleRate&quot;); %3 models run at %4 Hz.</source>
        <translation>模型包 %1 期望 %2 Hz 的音频（“sampleRate”）；%3 模型以 %4 Hz 运行。</translation>
    </message>
    <message>
        <source>The model bundle %1 gives a chunk of %2 samples (&quot;chunkSamples&quot;); %3 models take %4.</source>
        <translation>模型包 %1 给出的块长为 %2 个采样（“chunkSamples”）；%3 模型需要 %4 个。</translation>
    </message>
    <message>
        <source>The model bundle %1 gives a chunk of %2 samples (&quot;chunkSamples&quot;), shorter than one %3-sample analysis window.</source>
        <translation>模型包 %1 给出的块长为 %2 个采样（“chunkSamples”），短于一个 %3 采样的分析窗口。</translation>
    </message>
    <message>
        <source>The model bundle %1 gives a chunk of %2 samples (&quot;chunkSamples&quot;); %3 models take at most %4 samples (%5 s).</source>
        <translation>模型包 %1 给出的块长为 %2 个采样（“chunkSamples”）；%3 模型最多接受 %4 个采样（%5 秒）。</translation>
    </message>
    <message>
        <source>The checkpoint %1 is not a file.</source>
        <translation>检查点 %1 不是文件。</translation>
    </message>
    <message>
        <source>%1 is not a Taglane training checkpoint (it is not a LibTorch archive).</source>
        <translation>%1 不是 Taglane 训练检查点（它不是 LibTorch 归档）。</translation>
    </message>
    <message>
        <source>The checkpoint %1 does not record which data it was made on (an older Taglane wrote it), so it cannot be checked against this training; start a new training.</source>
        <translation>检查点 %1 没有记录它是用哪些数据生成的（由较旧的 Taglane 写出），因此无法与本次训练核对；请开始新的训练。</translation>
    </message>
    <message>
        <source>unknown data</source>
        <translation>未知数据</translation>
    </message>
    <message>
        <source>The checkpoint %1 was made on other data (%2); this training has %3. Resume only with the data, tags and architecture the checkpoint was made on.</source>
        <translation>检查点 %1 是用其他数据生成的（%2）；本次训练使用的是 %3。只能用生成该检查点时的数据、标签和架构继续训练。</translation>
    </message>
    <message>
        <source>Rendering %1 was cancelled.</source>
        <translation>渲染 %1 已取消。</translation>
    </message>
    <message>
        <source>Spectral novelty: the audio is empty.</source>
        <translation>频谱新颖度：音频为空。</translation>
    </message>
    <message>
        <source>Spectral novelty: %1</source>
        <translation>频谱新颖度：%1</translation>
    </message>
    <message>
        <source>Spectral novelty was cancelled.</source>
        <translation>频谱新颖度计算已取消。</translation>
    </message>
    <message>
        <source>An LDA model needs at least one topic (got %1).</source>
        <translation>LDA 模型至少需要一个主题（实际为 %1）。</translation>
    </message>
    <message>
        <source>The LDA prior alpha must be a positive number (got %1).</source>
        <translation>LDA 先验 alpha 必须为正数（实际为 %1）。</translation>
    </message>
    <message>
        <source>LDA needs at least one start (restarts = %1).</source>
        <translation>LDA 至少需要一次启动（restarts = %1）。</translation>
    </message>
    <message>
        <source>LDA needs at least one EM iteration and one E-step sweep (got %1 and %2).</source>
        <translation>LDA 至少需要一次 EM 迭代和一次 E 步扫描（实际为 %1 和 %2）。</translation>
    </message>
    <message>
        <source>LDA tolerances must be zero or positive.</source>
        <translation>LDA 容差必须为零或正数。</translation>
    </message>
    <message>
        <source>The starting topics hold %1 values; %2 topics of %3 words need %4.</source>
        <translation>初始主题有 %1 个值；%2 个主题 x %3 个词需要 %4 个。</translation>
    </message>
    <message>
        <source>Starting topic %1 has a negative or non-finite value for word %2.</source>
        <translation>初始主题 %1 中词 %2 的值为负数或非有限数。</translation>
    </message>
    <message>
        <source>Starting topic %1 is all zeros.</source>
        <translation>初始主题 %1 全为零。</translation>
    </message>
    <message>
        <source>Word %1 of the document has the weight %2; weights must be finite and &gt;= 0.</source>
        <translation>文档中词 %1 的权重为 %2；权重必须为有限数且 &gt;= 0。</translation>
    </message>
    <message>
        <source>Document %1, word %2 has the weight %3; weights must be finite and &gt;= 0.</source>
        <translation>文档 %1 中词 %2 的权重为 %3；权重必须为有限数且 &gt;= 0。</translation>
    </message>
    <message>
        <source>Completion weights must be finite and &gt;= 0 (got %1, %2, %3).</source>
        <translation>补全权重必须为有限数且 &gt;= 0（实际为 %1、%2、%3）。</translation>
    </message>
    <message>
        <source>At least one completion weight must be positive.</source>
        <translation>至少有一个补全权重必须为正数。</translation>
    </message>
    <message>
        <source>The ADMM penalty rho must be &gt;= 0 (0 = automatic); got %1.</source>
        <translation>ADMM 惩罚参数 rho 必须 &gt;= 0（0 = 自动）；实际为 %1。</translation>
    </message>
    <message>
        <source>The initial threshold must be positive; got %1.</source>
        <translation>初始阈值必须为正数；实际为 %1。</translation>
    </message>
    <message>
        <source>The rho growth factor must be &gt;= 1; got %1.</source>
        <translation>rho 增长因子必须 &gt;= 1；实际为 %1。</translation>
    </message>
    <message>
        <source>The largest rho must be positive; got %1.</source>
        <translation>rho 的最大值必须为正数；实际为 %1。</translation>
    </message>
    <message>
        <source>Completion needs at least one iteration; got %1.</source>
        <translation>补全至少需要一次迭代；实际为 %1。</translation>
    </message>
    <message>
        <source>The completion tolerance must be &gt;= 0; got %1.</source>
        <translation>补全容差必须 &gt;= 0；实际为 %1。</translation>
    </message>
    <message>
        <source>Cannot list the tables of %1: %2</source>
        <translation>无法列出 %1 中的表：%2</translation>
    </message>
    <message>
        <source>Cannot count the rows of %1 in %2: %3</source>
        <translation>无法统计 %2 中 %1 的行数：%3</translation>
    </message>
    <message>
        <source>Cannot read the columns of %1 in %2.</source>
        <translation>无法读取 %2 中 %1 的列。</translation>
    </message>
    <message>
        <source>Cannot read the annotation store %1: %2</source>
        <translation>无法读取标注库 %1：%2</translation>
    </message>
    <message>
        <source>%1 is a PostgreSQL database but not a Taglane annotation store (it holds other tables). Give an empty database.</source>
        <translation>%1 是 PostgreSQL 数据库，但不是 Taglane 标注库（其中含有其他表）。请给出空数据库。</translation>
    </message>
    <message>
        <source>%1 is a PostgreSQL database but not a Taglane annotation store.</source>
        <translation>%1 是 PostgreSQL 数据库，但不是 Taglane 标注库。</translation>
    </message>
    <message>
        <source>The annotation store %1 has no valid schema version (store_info.%2): %3</source>
        <translation>标注库 %1 没有有效的模式版本（store_info.%2）：%3</translation>
    </message>
    <message>
        <source>A curator name must not be empty.</source>
        <translation>审校者名称不能为空。</translation>
    </message>
    <message>
        <source>A curator name has at most 100 characters (this one has %1).</source>
        <translation>审校者名称最多 100 个字符（此名称有 %1 个）。</translation>
    </message>
    <message>
        <source>A curator name must not hold control characters.</source>
        <translation>审校者名称不能包含控制字符。</translation>
    </message>
    <message>
        <source>A curator name must not begin or end with a space.</source>
        <translation>审校者名称不能以空格开头或结尾。</translation>
    </message>
    <message>
        <source>The topic model of the training tags could not be fit: %1</source>
        <translation>无法拟合训练标签的主题模型：%1</translation>
    </message>
</context>
<context>
    <name>taglane::engine::ChunkedJob</name>
    <message>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <source>The model returned %1 rows for %2 chunks of %3.</source>
        <translation>模型为 %3 的 %2 个块返回了 %1 行。</translation>
    </message>
    <message>
        <source>%1 holds no audio.</source>
        <translation>%1 不含音频。</translation>
    </message>
</context>
<context>
    <name>taglane::engine::FieldChecker</name>
    <message>
        <source>&quot;features.%1&quot; is %2, not a whole number</source>
        <translation>“features.%1”为 %2，不是整数</translation>
    </message>
    <message>
        <source>&quot;features.%1&quot; is %2; %3 models need %4</source>
        <translation>“features.%1”为 %2；%3 模型需要 %4</translation>
    </message>
    <message>
        <source>&quot;features.%1&quot; is %2, not a number</source>
        <translation>“features.%1”为 %2，不是数字</translation>
    </message>
    <message>
        <source>&quot;features.%1&quot; is %2; %3 models need one starting with &quot;%4&quot;</source>
        <translation>“features.%1”为 %2；%3 模型需要以“%4”开头的值</translation>
    </message>
    <message>
        <source>&quot;features.%1&quot; is %2; %3 models need &quot;%4&quot;</source>
        <translation>“features.%1”为 %2；%3 模型需要“%4”</translation>
    </message>
    <message>
        <source>%1 is missing</source>
        <translation>缺少 %1</translation>
    </message>
    <message>
        <source> or </source>
        <translation> 或 </translation>
    </message>
    <message>
        <source>The model bundle %1 does not fit its architecture: %2.</source>
        <translation>模型包 %1 与其架构不符：%2。</translation>
    </message>
    <message>
        <source>a list</source>
        <translation>一个列表</translation>
    </message>
    <message>
        <source>an object</source>
        <translation>一个对象</translation>
    </message>
    <message>
        <source>undefined</source>
        <translation>未定义</translation>
    </message>
</context>
<context>
    <name>taglane::engine::Parser</name>
    <message>
        <source>&apos;!&apos; must be followed by &apos;=&apos; (use != or not)</source>
        <translation>&apos;!&apos; 后面必须跟 &apos;=&apos;（请使用 != 或 not）</translation>
    </message>
    <message>
        <source>the quoted name is not closed (a &apos;&quot;&apos; is missing)</source>
        <translation>带引号的名称没有结束（缺少 &apos;&quot;&apos;）</translation>
    </message>
    <message>
        <source>the query is empty</source>
        <translation>查询为空</translation>
    </message>
    <message>
        <source>expected &apos;and&apos;, &apos;or&apos; or the end of the query, found %1</source>
        <translation>应为 &apos;and&apos;、&apos;or&apos; 或查询末尾，实际为 %1</translation>
    </message>
    <message>
        <source>the end of the query</source>
        <translation>查询末尾</translation>
    </message>
    <message>
        <source>expected &apos;)&apos; to close the &apos;(&apos; at position %1, found %2</source>
        <translation>应为 &apos;)&apos; 以闭合位置 %1 处的 &apos;(&apos;，实际为 %2</translation>
    </message>
    <message>
        <source>expected a tag, &apos;curated&apos;, &apos;curator&apos;, &apos;not&apos; or &apos;(&apos;, found %1</source>
        <translation>应为标签、&apos;curated&apos;、&apos;curator&apos;、&apos;not&apos; 或 &apos;(&apos;，实际为 %1</translation>
    </message>
    <message>
        <source>expected a comparison (&gt;=, &gt;, &lt;=, &lt;, =, !=), &apos;curated&apos; or &apos;curator&apos; after the tag %1, found %2</source>
        <translation>标签 %1 之后应为比较运算符（&gt;=、&gt;、&lt;=、&lt;、=、!=）、&apos;curated&apos; 或 &apos;curator&apos;，实际为 %2</translation>
    </message>
    <message>
        <source>unknown comparison &apos;%1&apos;</source>
        <translation>未知的比较运算符 &apos;%1&apos;</translation>
    </message>
    <message>
        <source>expected a number after &apos;%1&apos;, found %2</source>
        <translation>&apos;%1&apos; 之后应为数字，实际为 %2</translation>
    </message>
    <message>
        <source>expected &apos;=&apos; after &apos;curator&apos;, found %1</source>
        <translation>&apos;curator&apos; 之后应为 &apos;=&apos;，实际为 %1</translation>
    </message>
    <message>
        <source>expected a curator&apos;s name after &apos;curator =&apos;, found %1</source>
        <translation>&apos;curator =&apos; 之后应为审校者名称，实际为 %1</translation>
    </message>
</context>
<context>
    <name>taglane::engine::SqlWriter</name>
    <message>
        <source>Unknown tag &quot;%1&quot; at position %2 (no tag of the store has that name).</source>
        <translation>位置 %2 处的标签“%1”未知（标注库中没有此名称的标签）。</translation>
    </message>
</context>
<context>
    <name>taglane::engine::detail</name>
    <message>
        <source>%1 is not a %2 checkpoint: the key &quot;%3&quot; is missing.</source>
        <translation>%1 不是 %2 检查点：缺少键“%3”。</translation>
    </message>
    <message>
        <source>%1: the output layer &quot;%2&quot; has %3 outputs, but %4 tags were given.</source>
        <translation>%1：输出层“%2”有 %3 个输出，但给出了 %4 个标签。</translation>
    </message>
    <message>
        <source>%1: &quot;%2&quot; has shape %3; a %4 model needs %5.</source>
        <translation>%1：“%2”的形状为 %3；%4 模型需要 %5。</translation>
    </message>
    <message>
        <source>%1 has the key &quot;%2&quot;, which a %3 model does not have; is it a %3 checkpoint?</source>
        <translation>%1 含有键“%2”，而 %3 模型没有此键；它是 %3 检查点吗？</translation>
    </message>
    <message>
        <source>%1: unknown architecture &quot;%2&quot; (known: %3).</source>
        <translation>%1：未知架构“%2”（已知：%3）。</translation>
    </message>
    <message>
        <source>%1: the %2 network could not be built: %3</source>
        <translation>%1：无法构建 %2 网络：%3</translation>
    </message>
    <message>
        <source>%1 is empty.</source>
        <translation>%1 为空。</translation>
    </message>
    <message>
        <source>%1 uses the legacy PyTorch serialization (before PyTorch 1.6), which Taglane cannot read. Re-save it with a recent PyTorch: python3 -c &quot;import torch; torch.save(torch.load(&apos;OLD.pth&apos;, map_location=&apos;cpu&apos;), &apos;NEW.pth&apos;)&quot;</source>
        <translation>%1 使用旧版 PyTorch 序列化格式（PyTorch 1.6 之前），Taglane 无法读取。请用较新的 PyTorch 重新保存：python3 -c &quot;import torch; torch.save(torch.load(&apos;OLD.pth&apos;, map_location=&apos;cpu&apos;), &apos;NEW.pth&apos;)&quot;</translation>
    </message>
    <message>
        <source>%1 is not a PyTorch state dict (expected a torch.save zip archive).</source>
        <translation>%1 不是 PyTorch state dict（应为 torch.save 生成的 zip 归档）。</translation>
    </message>
    <message>
        <source>%1 is damaged or not a PyTorch state dict: %2</source>
        <translation>%1 已损坏或不是 PyTorch state dict：%2</translation>
    </message>
    <message>
        <source>%1 holds a %2, not a dict of tensors.</source>
        <translation>%1 包含的是 %2，而不是张量字典。</translation>
    </message>
    <message>
        <source>%1 has a key of type %2; a state dict has text keys.</source>
        <translation>%1 含有类型为 %2 的键；state dict 的键应为文本。</translation>
    </message>
    <message>
        <source>%1: entry &quot;%2&quot; is a %3, not a tensor.</source>
        <translation>%1：条目“%2”是 %3，不是张量。</translation>
    </message>
    <message>
        <source>%1: entry &quot;%2&quot; cannot be read: %3</source>
        <translation>%1：无法读取条目“%2”：%3</translation>
    </message>
    <message>
        <source>%1 holds an empty dict, not model weights.</source>
        <translation>%1 包含的是空字典，而不是模型权重。</translation>
    </message>
    <message>
        <source>%1 does not exist.</source>
        <translation>%1 不存在。</translation>
    </message>
    <message>
        <source>%1 is not a file.</source>
        <translation>%1 不是文件。</translation>
    </message>
    <message>
        <source>%1 cannot be read: %2</source>
        <translation>无法读取 %1：%2</translation>
    </message>
    <message>
        <source>The weights could not be serialized: %1</source>
        <translation>无法序列化权重：%1</translation>
    </message>
    <message>
        <source>%1 lacks the weight &quot;%2&quot;.</source>
        <translation>%1 缺少权重“%2”。</translation>
    </message>
    <message>
        <source>%1: the weight &quot;%2&quot; has another shape than this architecture needs.</source>
        <translation>%1：权重“%2”的形状与此架构所需的不同。</translation>
    </message>
    <message>
        <source>its pickle stops with an empty stack</source>
        <translation>其 pickle 以空栈结束</translation>
    </message>
    <message>
        <source>its pickle has the unknown opcode 0x%1 at byte %2</source>
        <translation>其 pickle 在第 %2 字节处有未知操作码 0x%1</translation>
    </message>
    <message>
        <source>its pickle is malformed at byte %1 (opcode 0x%2)</source>
        <translation>其 pickle 在第 %1 字节处格式错误（操作码 0x%2）</translation>
    </message>
    <message>
        <source>its pickle ends without a STOP opcode</source>
        <translation>其 pickle 结尾没有 STOP 操作码</translation>
    </message>
    <message>
        <source>has the type %1, which model weights cannot have</source>
        <translation>类型为 %1，模型权重不能是这种类型</translation>
    </message>
    <message>
        <source>is not a plain dense tensor</source>
        <translation>不是普通的稠密张量</translation>
    </message>
    <message>
        <source>starts at a negative offset</source>
        <translation>起始偏移为负</translation>
    </message>
    <message>
        <source>has a negative size or stride</source>
        <translation>尺寸或步长为负</translation>
    </message>
    <message>
        <source>has a shape too large to address</source>
        <translation>形状过大，无法寻址</translation>
    </message>
    <message>
        <source>needs %1 bytes for its shape [%2] of %3, but its record holds %4 bytes</source>
        <translation>其形状 [%2]（%3）需要 %1 字节，但其记录只有 %4 字节</translation>
    </message>
    <message>
        <source>has %1 elements, more than its record of %2 bytes holds</source>
        <translation>有 %1 个元素，超过其 %2 字节的记录所能容纳的数量</translation>
    </message>
    <message>
        <source>%1 is damaged: the tensor &quot;%2&quot; %3.</source>
        <translation>%1 已损坏：张量“%2”%3。</translation>
    </message>
    <message>
        <source>%1: the tensor &quot;%2&quot; holds %3 NaN or infinite values; these weights cannot be used.</source>
        <translation>%1：张量“%2”含有 %3 个 NaN 或无穷大的值；这些权重无法使用。</translation>
    </message>
    <message>
        <source>The weights were not saved: the tensor &quot;%1&quot; holds %2 NaN or infinite values (did the training diverge?).</source>
        <translation>权重未保存：张量“%1”含有 %2 个 NaN 或无穷大的值（训练是否发散了？）。</translation>
    </message>
    <message>
        <source>%1 is damaged: its zip directory is missing (the file is truncated or not a zip archive).</source>
        <translation>%1 已损坏：缺少 zip 目录（文件被截断或不是 zip 归档）。</translation>
    </message>
    <message>
        <source>%1 is damaged: it claims to be a multi-part zip archive.</source>
        <translation>%1 已损坏：它声称是分卷 zip 归档。</translation>
    </message>
    <message>
        <source>%1 is damaged: its ZIP64 directory record is missing.</source>
        <translation>%1 已损坏：缺少 ZIP64 目录记录。</translation>
    </message>
    <message>
        <source>%1 is damaged: its zip directory lies outside the file (the file is truncated?).</source>
        <translation>%1 已损坏：其 zip 目录位于文件之外（文件被截断了？）。</translation>
    </message>
    <message>
        <source>%1 is an empty zip archive, not a PyTorch state dict.</source>
        <translation>%1 是空的 zip 归档，不是 PyTorch 状态字典。</translation>
    </message>
    <message>
        <source>%1 is damaged: its zip directory claims %2 entries in %3 bytes.</source>
        <translation>%1 已损坏：其 zip 目录声称在 %3 字节中有 %2 个条目。</translation>
    </message>
    <message>
        <source>%1 is damaged: zip directory entry %2 is malformed.</source>
        <translation>%1 已损坏：zip 目录条目 %2 格式错误。</translation>
    </message>
    <message>
        <source>%1 is damaged: the zip entry &quot;%2&quot; has a malformed ZIP64 field.</source>
        <translation>%1 已损坏：zip 条目“%2”的 ZIP64 字段格式错误。</translation>
    </message>
    <message>
        <source>%1: the zip entry &quot;%2&quot; is encrypted.</source>
        <translation>%1：zip 条目“%2”已加密。</translation>
    </message>
    <message>
        <source>%1: the zip entry &quot;%2&quot; is compressed (method %3); torch.save stores its entries uncompressed.</source>
        <translation>%1：zip 条目“%2”经过压缩（方法 %3）；torch.save 以不压缩的方式存储条目。</translation>
    </message>
    <message>
        <source>%1 is damaged: the stored zip entry &quot;%2&quot; has two different sizes.</source>
        <translation>%1 已损坏：存储的 zip 条目“%2”有两个不同的大小。</translation>
    </message>
    <message>
        <source>%1 is damaged: the zip entry &quot;%2&quot; appears twice.</source>
        <translation>%1 已损坏：zip 条目“%2”出现了两次。</translation>
    </message>
    <message>
        <source>%1 is damaged: the zip entry &quot;%2&quot; has no local header.</source>
        <translation>%1 已损坏：zip 条目“%2”没有本地文件头。</translation>
    </message>
    <message>
        <source>%1 is damaged: the zip entry &quot;%2&quot; has a mismatched local header.</source>
        <translation>%1 已损坏：zip 条目“%2”的本地文件头不匹配。</translation>
    </message>
    <message>
        <source>%1 is damaged: the zip entry &quot;%2&quot; (%3 bytes) reaches past the end of its data (the file is truncated?).</source>
        <translation>%1 已损坏：zip 条目“%2”（%3 字节）超出了其数据的末尾（文件被截断了？）。</translation>
    </message>
    <message>
        <source>%1 is damaged: the zip entry &quot;%2&quot; fails its CRC-32 check (the file says %3, the data gives %4).</source>
        <translation>%1 已损坏：zip 条目“%2”未通过 CRC-32 校验（文件中为 %3，数据算得 %4）。</translation>
    </message>
</context>
<context>
    <name>taglane::widgets::ColorMap</name>
    <message>
        <source>Viridis</source>
        <translation>Viridis</translation>
    </message>
    <message>
        <source>Gray</source>
        <translation>灰度</translation>
    </message>
    <message>
        <source>Magma</source>
        <translation>Magma</translation>
    </message>
</context>
</TS>
