package io.npsconnector.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.npsconnector.config.FilterCondition.Operator;
import io.npsconnector.config.FilterCondition.Scope;
import java.util.List;
import org.junit.jupiter.api.Test;

class FilterConditionTest {
  @Test
  void readsEveryOperator() {
    assertThat(FilterCondition.parse("amount >= 1000", false))
        .isEqualTo(new FilterCondition(Scope.EVENT, "amount", Operator.GREATER_OR_EQUAL, List.of("1000")));
    assertThat(FilterCondition.parse("amount>1000", false).operator()).isEqualTo(Operator.GREATER);
    assertThat(FilterCondition.parse("amount < -5.5", false).values()).containsExactly("-5.5");
    assertThat(FilterCondition.parse("amount <= 3", false).operator()).isEqualTo(Operator.LESS_OR_EQUAL);
    assertThat(FilterCondition.parse("event.stage = closedwon", false))
        .isEqualTo(new FilterCondition(Scope.EVENT, "stage", Operator.EQUALS, List.of("closedwon")));
    assertThat(FilterCondition.parse("contact.region != 'North America'", false))
        .isEqualTo(new FilterCondition(Scope.CONTACT, "region", Operator.NOT_EQUALS, List.of("North America")));
    assertThat(FilterCondition.parse("contact.tier in [Gold, \"Platinum, Plus\"]", false).values())
        .containsExactly("Gold", "Platinum, Plus");
    assertThat(FilterCondition.parse("pipeline NOT IN (a, b)", false).operator()).isEqualTo(Operator.NOT_IN);
    assertThat(FilterCondition.parse("contact.phone present", false).operator()).isEqualTo(Operator.PRESENT);
    assertThat(FilterCondition.parse("owner absent", false).operator()).isEqualTo(Operator.ABSENT);
  }

  @Test
  void readsBareAttributesAsTheContactsForRelationshipTriggers() {
    assertThat(FilterCondition.parse("region = EMEA", true).scope()).isEqualTo(Scope.CONTACT);
    assertThat(FilterCondition.parse("region = EMEA", false).scope()).isEqualTo(Scope.EVENT);
  }

  @Test
  void attributeNamesMayContainOperatorWords() {
    FilterCondition condition = FilterCondition.parse("contact.industry in [Software]", false);

    assertThat(condition.attribute()).isEqualTo("industry");
    assertThat(condition.operator()).isEqualTo(Operator.IN);
  }

  @Test
  void refusesMalformedConditions() {
    assertThatThrownBy(() -> FilterCondition.parse("amount", false)).hasMessageContaining("cannot read condition");
    assertThatThrownBy(() -> FilterCondition.parse("amount >=", false)).hasMessageContaining("has no value");
    assertThatThrownBy(() -> FilterCondition.parse("amount > big", false)).hasMessageContaining("compares numbers");
    assertThatThrownBy(() -> FilterCondition.parse("tier in Gold", false)).hasMessageContaining("as a list");
    assertThatThrownBy(() -> FilterCondition.parse("tier in []", false)).hasMessageContaining("empty list");
    assertThatThrownBy(() -> FilterCondition.parse("tier in [a,,b]", false)).hasMessageContaining("empty value");
    assertThatThrownBy(() -> FilterCondition.parse("phone present yes", false)).hasMessageContaining("takes no value");
    assertThatThrownBy(() -> FilterCondition.parse("name = \"open", false)).hasMessageContaining("unbalanced quote");
  }

  @Test
  void suggestsTheOperatorMeantForOperatorsSpeltAsInOtherLanguages() {
    assertThatThrownBy(() -> FilterCondition.parse("amount => 1000", false))
        .hasMessageContaining("unknown operator '=>' — did you mean '>='?");
    assertThatThrownBy(() -> FilterCondition.parse("contact.region == EMEA", false))
        .hasMessageContaining("unknown operator '==' — did you mean '='?");
    assertThatThrownBy(() -> FilterCondition.parse("amount =<5", false))
        .hasMessageContaining("unknown operator '=<' — did you mean '<='?");
    assertThatThrownBy(() -> FilterCondition.parse("stage <> lost", false))
        .hasMessageContaining("unknown operator '<>' — did you mean '!='?");
    assertThatThrownBy(() -> FilterCondition.parse("amount gt 1000", false))
        .hasMessageContaining("unknown operator 'gt' — did you mean '>'?");
    assertThatThrownBy(() -> FilterCondition.parse("phone presnt", false))
        .hasMessageContaining("unknown operator 'presnt' — did you mean 'present'?");
  }

  @Test
  void takesAValueThatStartsWithAnOperatorCharacterOnlyWhenQuoted() {
    assertThatThrownBy(() -> FilterCondition.parse("contact.tier in [Gold, =Silver]", false))
        .hasMessageContaining("the value '=Silver' starts with an operator character");
    assertThat(FilterCondition.parse("name = \"=> VIP\"", false).values()).containsExactly("=> VIP");
  }

  @Test
  void keepsWhereAConditionIsWritten() {
    ConfigLocation where = new ConfigLocation("nps.yaml", 12, "triggers[0].filter[0]");

    FilterCondition condition = FilterCondition.parse("amount >= 10", false).at(where);

    assertThat(condition.location()).isEqualTo(where);
    assertThat(condition.location().problem("bad").toString()).isEqualTo("nps.yaml:12: triggers[0].filter[0]: bad");
  }
}
