"""Bibliography entries -> fields by the hand-written rules (kb.refs.rules: kb keeps them for DOIs,
access dates, style and type, and the model reads their output as features; the combined parser
is pinned by tests/test_ref_model.py and tests/test_eval_refs.py), author names (kb.refs.names)
and reference lists -> entries (kb.refs.split), on representative entries of each style."""

from __future__ import annotations

import random
import time

import pytest

from kb.ingest.model import Paragraph
from kb.refs.names import names_from_block, read_authors
from kb.refs.parse import parse_rules
from kb.refs.split import section_entries, split_entries


def fields(raw: str, previous=None) -> dict:
    ref = parse_rules(raw, previous)
    assert ref.parsed_ok, raw
    return ref.fields()


def check(raw: str, **expected) -> dict:
    got = fields(raw)
    for key, value in expected.items():
        assert got[key] == value, (key, got[key], value)
    return got


# --- GOST -------------------------------------------------------------------------------------------


def test_gost2018_article_from_the_seed():
    check("Гилева Т. А. Выход российских МСП на внешние рынки: интегративный подход к анализу взаимосвязи "
          "факторов и условий работы с параметрами эффективности // Стратегические решения и риск-менеджмент. "
          "– 2024. – Т. 15, № 3. – С. 260–269. – DOI: 10.17747/2618-947X-2024-3-260-269.",
          authors=["Гилева Т. А."], container="Стратегические решения и риск-менеджмент", year="2024",
          volume="15", issue="3", pages="260–269", doi="10.17747/2618-947X-2024-3-260-269", url=None,
          type="article")


def test_gost2018_book_with_responsibility_and_content_form():
    check("Нуреев, Р. М. Институциональная экономика : учебник / Р. М. Нуреев, Ю. В. Латов. – 3-е изд., "
          "испр. и доп. – Москва : Юрайт, 2022. – 447 с. – Текст : непосредственный.",
          authors=["Нуреев Р. М.", "Латов Ю. В."], title="Институциональная экономика", place="Москва",
          publisher="Юрайт", year="2022", pages=None, type="book")


def test_gost2018_title_heading_takes_the_persons_after_the_slash():
    check("Цифровые технологии в логистике / А. В. Смирнов, Б. Г. Орлов, В. Д. Крылов [и др.]. – Текст : "
          "непосредственный // Логистика и управление цепями поставок. – 2021. – № 4 (105). – С. 12–19.",
          authors=["Смирнов А. В.", "Орлов Б. Г.", "Крылов В. Д."], title="Цифровые технологии в логистике",
          container="Логистика и управление цепями поставок", issue="4 (105)", pages="12–19", type="article")


def test_gost2018_thesis_university_is_the_publisher():
    check("Тарасов, В. Н. Методы машинного обучения в задачах прогнозирования спроса : специальность "
          "05.13.01 : диссертация на соискание ученой степени кандидата технических наук / Тарасов Виктор "
          "Николаевич ; Томский политехнический университет. – Томск, 2021. – 162 с.",
          authors=["Тарасов В. Н."], title="Методы машинного обучения в задачах прогнозирования спроса",
          publisher="Томский политехнический университет", place="Томск", year="2021", type="thesis")


def test_gost2003_translator_is_no_author():
    check("Котлер, Ф. Основы маркетинга [Текст] / Ф. Котлер ; пер. с англ. В. Б. Боброва. – М. : Прогресс, "
          "1990. – 736 с.", authors=["Котлер Ф."], title="Основы маркетинга", place="М.", publisher="Прогресс",
          year="1990", pages=None, type="book")


def test_gost2003_editor_is_no_author_and_form_words_leave_the_title():
    check("Стратегический менеджмент [Текст] : учебник / под ред. А. Н. Петрова. – 2-е изд. – СПб. : Питер, "
          "2008. – 496 с.", authors=[], title="Стратегический менеджмент", place="СПб.", publisher="Питер",
          year="2008", type="book")


def test_gost2003_web_resource():
    check("Интернет-маркетинг [Электронный ресурс]. – Режим доступа: http://www.marketing.spb.ru/read.htm "
          "(дата обращения: 12.05.2010).", title="Интернет-маркетинг", url="http://www.marketing.spb.ru/read.htm",
          accessed="12.05.2010", year=None, type="web")


def test_gost2008_journal_name_loses_word_and_quotes_seed():
    check("Морозова, И. В. Трудовые ресурсы как фактор экономического роста: современные подходы // Журнал "
          "«Экономика и управление». 2021. № 4. С. 45–52.", authors=["Морозова И. В."],
          title="Трудовые ресурсы как фактор экономического роста: современные подходы",
          container="Экономика и управление", year="2021", issue="4", pages="45–52")


def test_gost2008_conference_paper():
    check("Козлов В. Н. Нейросетевые модели прогнозирования // Информационные технологии : материалы XII "
          "Междунар. науч.-техн. конф. — Томск : ТПУ, 2018. — С. 115—119.", container="Информационные технологии",
          place="Томск", publisher="ТПУ", year="2018", pages="115–119", type="conference")


def test_gost2008_abstract_of_thesis_and_short_book():
    check("Гончаров Д. С. Методы оценки стоимости бизнеса : автореф. дис. … канд. экон. наук : 08.00.10. — М., "
          "2014. — 22 с.", title="Методы оценки стоимости бизнеса", place="М.", year="2014", pages=None,
          type="thesis")
    check("Орлов А. И. Прикладная статистика. М.: Экзамен, 2006. 672 с.", authors=["Орлов А. И."],
          title="Прикладная статистика", place="М.", publisher="Экзамен", year="2006", pages=None, type="book")


def test_organisation_heading_an_entry():
    check("Федеральная налоговая служба. Реестр малого и среднего предпринимательства [Электронный ресурс]. "
          "– Режим доступа: https://example.org/rmsp (дата обращения: 18.09.2023).",
          authors=["Федеральная налоговая служба"], title="Реестр малого и среднего предпринимательства",
          year=None, type="web")
    # an organisation word used as a modifier does not make an author
    check("Гражданский кодекс Российской Федерации. Часть первая [Текст]. – М. : Проспект, 2015. – 256 с.",
          authors=[], title="Гражданский кодекс Российской Федерации. Часть первая", type="book")


# --- author-date and numeric styles ----------------------------------------------------------------


def test_apa_article_doi_is_bare_and_no_url():
    check("Teece, D. J. (2018). Business models and dynamic capabilities. Long Range Planning, 51(1), 40–49. "
          "https://doi.org/10.1016/j.lrp.2017.06.007", authors=["Teece D. J."],
          title="Business models and dynamic capabilities", container="Long Range Planning", year="2018",
          volume="51", issue="1", pages="40–49", doi="10.1016/j.lrp.2017.06.007", url=None, type="article")


def test_apa_chapter_editors_are_no_authors():
    check("Hull, C., Smith, R. K., & Lee, A. (2015). Learning in small firms. In P. Jones (Ed.), Handbook of "
          "small business research (pp. 201–220). Edward Elgar.", authors=["Hull C.", "Smith R. K.", "Lee A."],
          container="Handbook of small business research", pages="201–220", publisher="Edward Elgar",
          type="chapter")


def test_apa_organisation_report_from_the_seed():
    check("CCID Consulting. (2024). 2023-2024 China Digital Transformation Market Research Annual Report.",
          authors=["CCID Consulting"], year="2024",
          title="2023-2024 China Digital Transformation Market Research Annual Report", type="report")


def test_harvard_article_and_book():
    check("Porter, M.E. (1998) 'Clusters and the new economics of competition', Harvard Business Review, 76(6), "
          "pp. 77–90.", authors=["Porter M. E."], title="Clusters and the new economics of competition",
          container="Harvard Business Review", volume="76", issue="6", pages="77–90", type="article")
    check("Saxenian, A. (1994) Regional advantage: culture and competition in Silicon Valley and Route 128. "
          "Cambridge, MA: Harvard University Press.", place="Cambridge, MA", publisher="Harvard University Press",
          year="1994", type="book")


def test_harvard_web_page_access_date_is_no_year():
    check("Eurostat (2022) Key figures on Europe – 2022 edition. Available at: https://ec.europa.eu/eurostat/kf "
          "(Accessed: 3 March 2023).", authors=["Eurostat"], year="2022", accessed="3 March 2023",
          url="https://ec.europa.eu/eurostat/kf", type="web")


def test_vancouver_article_and_plos_form():
    check("Hanahan D, Weinberg RA. Hallmarks of cancer: the next generation. Cell. 2011;144(5):646-74.",
          authors=["Hanahan D.", "Weinberg R. A."], container="Cell", year="2011", volume="144", issue="5",
          pages="646–74", type="article")
    check("Wang H, Li X, Zhao Y. Effects of salinity on wheat yield. Field Crops Res. 2019; 231: 102–110. "
          "https://doi.org/10.1016/j.fcr.2018.11.012 PMID: 30911234", container="Field Crops Res",
          volume="231", pages="102–110", doi="10.1016/j.fcr.2018.11.012", url=None)


def test_vancouver_book_with_edition():
    check("Alberts B, Johnson A, Lewis J. Molecular biology of the cell. 4th ed. New York: Garland Science; 2002.",
          title="Molecular biology of the cell", place="New York", publisher="Garland Science", year="2002",
          type="book")


def test_ieee_conference_paper_with_place():
    check("K. He, X. Zhang, S. Ren, and J. Sun, “Deep residual learning for image recognition,” in Proc. IEEE "
          "Conf. Computer Vision and Pattern Recognition (CVPR), Las Vegas, NV, USA, Jun. 2016, pp. 770–778.",
          authors=["He K.", "Zhang X.", "Ren S.", "Sun J."], title="Deep residual learning for image recognition",
          container="Proc. IEEE Conf. Computer Vision and Pattern Recognition (CVPR)", place="Las Vegas, NV, USA",
          year="2016", pages="770–778", type="conference")


def test_ieee_ditto_takes_the_authors_of_the_entry_above():
    first = parse_rules("S. Hochreiter and J. Schmidhuber, “Long short-term memory,” Neural Comput., vol. 9, "
                            "no. 8, pp. 1735–1780, Nov. 1997.")
    assert first.authors == ["Hochreiter S.", "Schmidhuber J."] and first.container == "Neural Comput"
    ditto = "———, “Learning to forget: continual prediction with LSTM,” Neural Comput., vol. 12, no. 10, 2000."
    second = parse_rules(ditto, first)
    assert second.authors == first.authors and second.title.startswith("Learning to forget")
    assert (second.volume, second.issue, second.year) == ("12", "10", "2000")
    assert parse_rules(ditto).authors == []  # no entry above: nobody to copy


def test_acl_entries_full_names_and_pages():
    check("Jeffrey Pennington, Richard Socher, and Christopher Manning. 2014. GloVe: Global vectors for word "
          "representation. In Proceedings of EMNLP, pages 1532–1543, Doha, Qatar.",
          authors=["Pennington J.", "Socher R.", "Manning C."], year="2014", container="Proceedings of EMNLP",
          pages="1532–1543", place="Doha, Qatar", type="conference")
    check("K. Papineni, S. Roukos, T. Ward and W. Zhu. 2002. BLEU: a method for automatic evaluation of machine "
          "translation. In Proceedings of ACL: 311-318. Philadelphia, PA.",
          authors=["Papineni K.", "Roukos S.", "Ward T.", "Zhu W."], container="Proceedings of ACL",
          pages="311–318", place="Philadelphia, PA", type="conference")
    check("D. Jurafsky and J. H. Martin. 2000. Speech and Language Processing. Prentice Hall.",
          publisher="Prentice Hall", container=None, type="book")


def test_editor_heading_gives_no_authors():
    assert fields("C. Smith, ed. 2005. Readings in Lexical Semantics. MIT Press, Cambridge, MA.")["authors"] == []


def test_identifiers():
    got = fields("Smith J. Title of the note // Some Journal. – 2020. – № 2. – С. 1–9. – DOI: 10.1000/xyz-123.")
    assert got["doi"] == "10.1000/xyz-123" and got["url"] is None
    got = fields("Официальный сайт Банка России. URL: https://www.cbr.ru/ (дата обращения: 15.02.2024 г.).")
    assert got["url"] == "https://www.cbr.ru/" and got["accessed"] == "15.02.2024" and got["year"] is None


# --- names ----------------------------------------------------------------------------------------------


def test_author_name_forms():
    assert read_authors("Ванкевич, Е. В., Зайцева, О. В. Рынок труда")[0] == ["Ванкевич Е. В.", "Зайцева О. В."]
    assert read_authors("Глуско Кр.Л., Трауб Дж. След")[0] == ["Глуско Кр. Л.", "Трауб Дж."]
    assert read_authors("А. Н. Аверкин, А. Ф.Блишун. – М.")[0] == ["Аверкин А. Н.", "Блишун А. Ф."]
    assert names_from_block("Verhoef, P. C., Bart, Y., & Haenlein, M.") == ["Verhoef P. C.", "Bart Y.", "Haenlein M."]
    assert names_from_block("S. A. Della Pietra and K. Bretonnel Cohen") == ["Della Pietra S. A.", "Cohen K. B."]
    assert names_from_block("Christophe Van Gysel, Maarten de Rijke") == ["Van Gysel C.", "de Rijke M."]
    assert names_from_block("Kraus S, Ferreira JJ") == ["Kraus S.", "Ferreira J. J."]
    assert names_from_block("European Commission") is None
    assert names_from_block("Liao, T. D., D’Ambrosio, M. and O'Neill, H. G.") == ["Liao T. D.", "D’Ambrosio M.", "O'Neill H. G."]
    assert names_from_block("Colwell CW, Anderson FA Jr, Wheeler HB") == ["Colwell C. W.", "Anderson F. A. Jr", "Wheeler H. B."]
    assert names_from_block("Brown M, Hameed SM, Miami Deep Vein Thrombosis Study Group") == [
        "Brown M.", "Hameed S. M.", "Miami Deep Vein Thrombosis Study Group"]
    assert names_from_block("Brown M, The quick brown fox") is None


# --- input that is no reference ---------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "".join(random.Random(7).choice("abcdefАБВГДабвгд .,;:–/()[]«»\"“”№0123456789") for _ in range(2000)),
    ". " * 1000, "А. Б. " * 333, "Vol. No. pp. " * 166, "(" * 1000 + ")" * 1000, "The Capital Words " * 110,
])
def test_garbage_is_not_parsed_and_fast(text):
    start = time.perf_counter()
    ref = parse_rules(text)
    assert time.perf_counter() - start < 0.2
    assert not ref.parsed_ok and ref.raw == text


def test_odd_input_never_raises():
    for text in ("", "   ", "1.", "[12]", "———", "//", "http://", "(2019).", "Иванов И. И."):
        assert isinstance(parse_rules(text).parsed_ok, bool)
    bare = parse_rules("https://example.org/page")
    assert not bare.parsed_ok and bare.url == "https://example.org/page" and bare.type == "web"


# --- splitting ----------------------------------------------------------------------------------------


def raws(text: str) -> list[str]:
    return [e.raw for e in split_entries(text)]


def test_numbered_list_keeps_numbers_inside_entries():
    text = ("1. Иванов И. И. Кооперация малых предприятий // Вестник экономики. – 2020. – № 4. С. 45–52.\n"
            "2. Петров П. П. Региональная экономика. – М. : Наука, 2019. – 200 с.")
    entries = split_entries(text)
    assert [e.n for e in entries] == ["1", "2"]
    assert entries[0].raw.endswith("№ 4. С. 45–52.") and entries[1].raw.startswith("Петров")


def test_bracketed_and_dashed_labels():
    text = ("[1] A. Smith, “One title,” J. Test, vol. 1, pp. 1–2, 2001. [2] B. Jones, “Two,” in Proc. X, 2002.\n"
            "[3] C. Brown, “Three,” J. Test, vol. 3, 2003.")
    assert [e.n for e in split_entries(text)] == ["1", "2", "3"]
    dashed = "- 1. Иванов И. И. Первая работа. – М., 2001.\n- 2. Петров П. П. Вторая работа. – М., 2002."
    assert raws(dashed) == ["Иванов И. И. Первая работа. – М., 2001.", "Петров П. П. Вторая работа. – М., 2002."]


def test_label_without_space_and_entry_wrapped_over_lines():
    lines = [f"{i}. Автор{i} А. А. Работа номер {i} // Журнал. – 2020. – № {i}. – С. 1–5." for i in range(1, 10)]
    lines += ["10.Ванкевич, Е. В. Рынок труда Республики Беларусь // Белорусский", "экономический журнал. 2024. "
              "№ 3. С. 80—94."]
    entries = split_entries("\n".join(lines))
    assert [e.n for e in entries] == [str(i) for i in range(1, 11)]
    assert entries[-1].raw == ("Ванкевич, Е. В. Рынок труда Республики Беларусь // Белорусский экономический "
                               "журнал. 2024. № 3. С. 80—94.")


def test_unnumbered_apa_list_with_wrapped_lines():
    text = ("Teece, D. J. (2018). Business models and dynamic capabilities. Long Range\n"
            "Planning, 51(1), 40–49.\n"
            "World Health Organization. (2020). Global report on infection prevention\n"
            "and control.\n"
            "Kahneman, D. (2011). Thinking, fast and slow. Farrar, Straus and Giroux.")
    assert raws(text) == [
        "Teece, D. J. (2018). Business models and dynamic capabilities. Long Range Planning, 51(1), 40–49.",
        "World Health Organization. (2020). Global report on infection prevention and control.",
        "Kahneman, D. (2011). Thinking, fast and slow. Farrar, Straus and Giroux."]


def test_unnumbered_acl_list_whose_author_block_runs_over_a_line():
    text = ("P. Brown, S. A. Della Pietra, V. J. Della Pietra and R. L.\n"
            "Mercer. 1993. The Mathematics of Statistical Machine Translation. Computational Linguistics 19(2):\n"
            "263-311.\n"
            "R. Kneser and H. Ney. 1995. Improved backing-off for N-gram language modeling. In Proc. ICASSP: 181-184.\n"
            "Detroit, MI.\n"
            "I. D. Melamed. 2001. Empirical Methods for Exploiting Parallel Texts. The MIT Press.")
    got = raws(text)
    assert len(got) == 3 and got[0].endswith("19(2): 263-311.") and got[1].endswith("Detroit, MI.")


def test_lost_ieee_ditto_and_a_label_printed_late():
    text = ("[1] E. Chang and A. Zakhor, “Scalable video data placement,” in Proc. X, Feb. 1994, pp. 208–221.\n"
            ", “Variable bit rate video storage,” [2] in Proc. Y, July 1994, pp. 127–137.\n"
            "[3]\n"
            ", “Cost analyzes for VBR video servers,” IEEE Multimedia, vol. 4, pp. 56–71, 1996.\n"
            "[4] E. Chang, “Storage of compressed video,” Ph.D. dissertation, Univ. California, 1996.")
    got = raws(text)
    assert got[1] == "———, “Variable bit rate video storage,” in Proc. Y, July 1994, pp. 127–137."
    assert got[2].startswith("———, “Cost analyzes") and len(got) == 4
    previous = parse_rules(got[0])
    assert parse_rules(got[1], previous).authors == ["Chang E.", "Zakhor A."]


def test_section_skips_the_heading_and_stops_at_author_notes():
    paras = [Paragraph(t, [(0, 1)]) for t in (
        "Список литературы",
        "1. Иванов И. И. Первая работа // Журнал. – 2001. – № 1. – С. 1–2.",
        "2. Справочник",
        "API Unity.",
        "URL: http://docs.example.org/index.html (дата обращения: 01.06.2016 г.).",
        "С. Б. Гашков, механико-математический факультет",
        "E-mail: someone@example.org")]
    entries = section_entries(paras)
    assert [e.n for e in entries] == ["1", "2"]
    assert entries[1].raw == ("Справочник API Unity. URL: http://docs.example.org/index.html "
                              "(дата обращения: 01.06.2016 г.).")


# --- general rules for entries unlike the tuning set --------------------------------------------------


def test_elsevier_numbered_journal_trailer():
    check("K. Larsen, C. Van den Berg, A. B. Holm, Sparse signals in noisy graphs, Graph Letters 14 (3) (2012) 211–230.",
          authors=["Larsen K.", "Van den Berg C.", "Holm A. B."], title="Sparse signals in noisy graphs",
          container="Graph Letters", volume="14", issue="3", year="2012", pages="211–230", type="article")
    check("T. Ode, A. Pell, Weighted walks on networks, Frontiers in network studies 7.",
          container="Frontiers in network studies", volume="7")


def test_comma_style_proceedings_and_book():
    check("J. Ruiz, M. Ott, Fast seeding on graphs, in: Proceedings of the third workshop on graph mining, ACM, "
          "2009, pp. 15–22.", container="Proceedings of the third workshop on graph mining", publisher="ACM",
          year="2009", pages="15–22", type="conference")
    check("L. Moreau, Industrial economics, Harbour Books, 2011.", publisher="Harbour Books", year="2011",
          container=None, type="book")


def test_acl_full_given_names_and_single_letter_middle_initial():
    check("Anna P Kerner, Bo Lindqvist, and C. Hendrik van der Wal. 2015. Tagging rare words. In Proceedings of "
          "the Workshop on Tagging.", authors=["Kerner A. P.", "Lindqvist B.", "van der Wal C. H."],
          title="Tagging rare words", year="2015")


def test_gost_bare_volume_and_year_glued_to_journal():
    check("Тестов А. Б. Оценка спроса / А. Б. Тестов // Journal of Test Studies. – 2015. – 21, No. 4. – P. 10–15.",
          volume="21", issue="4", pages="10–15")
    check("Тестов А. Б. Оценка спроса // Вестник тестового университета 2014. № 3 (9). С. 5-9.",
          container="Вестник тестового университета", year="2014", issue="3 (9)")


def test_vancouver_year_with_letter_suffix():
    check("Lane P, Moor K. Heat stress in grain crops. Aust J Test Res. 1999b; 12: 40–52.",
          authors=["Lane P.", "Moor K."], year="1999", volume="12", pages="40–52")


def test_last_author_after_semicolon_and_is_kept():
    assert names_from_block("Lafferty, J.; McCallum, A.; and Pereira, F.") == [
        "Lafferty J.", "McCallum A.", "Pereira F."]
    names, _ = read_authors("Lafferty, J.; McCallum, A.; and Pereira, F. 2001. Title.", 0)
    assert names == ["Lafferty J.", "McCallum A.", "Pereira F."]


def test_vancouver_transliterated_two_letter_initials():
    ref = parse_rules("Mustafina ZhG, Kramarenko JuS, Kobtseva VJu. Integralnye pokazateli krovi. "
                      "Klinicheskaya laboratornaya diagnostika. 1999; 5: 47-50.")
    assert ref.style == "vancouver"
    assert ref.authors == ["Mustafina Zh. G.", "Kramarenko Ju. S.", "Kobtseva V. Ju."]
    assert ref.container == "Klinicheskaya laboratornaya diagnostika"


def test_bmc_vancouver_colon_after_authors_and_year_comma_volume():
    ref = parse_rules("Comerota AJ, Katz ML, White JV: Why does prophylaxis with external pneumatic "
                      "compression for deep vein thrombosis fail?. Am J Surg 1992, 164:265-8.")
    assert ref.style == "vancouver"
    assert ref.authors == ["Comerota A. J.", "Katz M. L.", "White J. V."]
    assert ref.title.startswith("Why does prophylaxis")
    assert (ref.container, ref.year, ref.volume, ref.pages) == ("Am J Surg", "1992", "164", "265–8")


def test_quoted_title_in_proceedings_is_a_conference_paper():
    ref = parse_rules("R. Srikant and R. Agrawal: “Mining Generalized Association Rules”, Proc. of the "
                      "21st Int'l Conf. on Very Large Databases, Zurich, Switzerland, Sep. 1995.")
    assert ref.type == "conference"


def test_vancouver_semicolon_typed_for_colon_and_supplement_issue():
    ref = parse_rules("Singh D, Kolsum U, Brightling CE. Eosinophilic inflammation in COPD. "
                      "European Respiratory Journal. 2014;44(6);1697-1700.")
    assert (ref.container, ref.volume, ref.issue, ref.pages) == ("European Respiratory Journal", "44", "6",
                                                                  "1697–1700")
